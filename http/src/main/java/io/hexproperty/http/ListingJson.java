package io.hexproperty.http;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.SearchPage;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** The wire form of listings: RESO Data Dictionary field names, plus {@code version}. */
final class ListingJson {
    private ListingJson() {}

    static Buffer encode(Listing listing) {
        StringBuilder out = new StringBuilder(768);
        write(out, listing);
        return Buffer.buffer(out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A page, its next cursor signed by {@code cursors} (the server key: ADR 0015). */
    static Buffer encode(SearchPage page, io.hexproperty.domain.Signer cursors) {
        StringBuilder out = new StringBuilder(256 + page.items().size() * 700);
        out.append("{\"items\":[");
        for (int i = 0; i < page.items().size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            write(out, page.items().get(i));
        }
        out.append("],\"next\":");
        if (page.next().isPresent()) {
            JsonText.string(out, page.next().get().encode(cursors));
        } else {
            out.append("null");
        }
        out.append('}');
        return Buffer.buffer(out.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void write(StringBuilder out, Listing l) {
        new JsonText(out).begin()
                .field("ListingKey", l.listingKey().value())
                .field("ListingId", l.listingId())
                .field("StandardStatus", l.standardStatus().name())
                .field("ListPrice", l.listPrice().dollars())
                .field("PropertyType", l.propertyType().name())
                .field("BedroomsTotal", l.bedroomsTotal())
                .field("BathroomsTotalInteger", l.bathroomsTotalInteger())
                .field("LivingArea", l.livingArea())
                .field("UnparsedAddress", l.address().unparsedAddress())
                .field("City", l.address().city())
                .field("StateOrProvince", l.address().stateOrProvince())
                .field("PostalCode", l.address().postalCode())
                .field("Latitude", l.location().latitude())
                .field("Longitude", l.location().longitude())
                .field("H3Cell7", Long.toHexString(l.h3r7()))
                .field("H3Cell9", Long.toHexString(l.h3r9()))
                .field("ListingContractDate", l.listingContractDate().toString())
                .field("ModificationTimestamp", l.modificationTimestamp().toString())
                .field("PhotosCount", l.photosCount())
                .field("PublicRemarks", l.publicRemarks())
                .field("ListAgentKey", l.agentKey())
                .field("version", l.version())
                .end();
    }
}
