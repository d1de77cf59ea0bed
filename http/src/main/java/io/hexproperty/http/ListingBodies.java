package io.hexproperty.http;

import io.hexproperty.domain.Address;
import io.hexproperty.domain.GeoPoint;
import io.hexproperty.domain.InquiryDraft;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingDraft;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.Money;
import io.hexproperty.domain.PropertyType;
import io.hexproperty.domain.StandardStatus;
import io.vertx.core.buffer.Buffer;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;

/** Decodes the JSON bodies of the write endpoints into domain drafts and patches. */
final class ListingBodies {
    static final Set<String> DRAFT_FIELDS = Set.of("ListingId", "StandardStatus", "ListPrice", "PropertyType",
            "BedroomsTotal", "BathroomsTotalInteger", "LivingArea", "UnparsedAddress", "City", "StateOrProvince",
            "PostalCode", "Latitude", "Longitude", "ListingContractDate", "PhotosCount", "PublicRemarks");
    static final Set<String> PATCH_FIELDS = Set.of("StandardStatus", "ListPrice", "PropertyType", "BedroomsTotal",
            "BathroomsTotalInteger", "LivingArea", "PhotosCount", "PublicRemarks");
    static final Set<String> SERVER_FIELDS = Set.of("ListingKey", "ModificationTimestamp", "H3Cell7", "H3Cell9",
            "ListAgentKey", "version");
    static final Set<String> IMMUTABLE_FIELDS = Set.of("ListingKey", "ListingId", "ModificationTimestamp",
            "H3Cell7", "H3Cell9", "ListAgentKey", "version", "UnparsedAddress", "City", "StateOrProvince",
            "PostalCode", "Latitude", "Longitude", "ListingContractDate");
    /** {@code website} is the web form's honeypot: hidden from people, so only a bot fills it. */
    static final String HONEYPOT = "website";
    static final Set<String> INQUIRY_FIELDS = Set.of("ListingKey", "name", "email", "message", HONEYPOT);

    private ListingBodies() {}

    static ListingDraft draft(Buffer body, LocalDate today) {
        JsonBody j = JsonBody.parse(body, DRAFT_FIELDS, SERVER_FIELDS);
        String status = j.text("StandardStatus", false);
        String type = j.text("PropertyType", false);
        String date = j.text("ListingContractDate", false);
        Long photos = j.whole("PhotosCount", false, 0, 10_000);
        return new ListingDraft(
                j.text("ListingId", true),
                status == null ? StandardStatus.Active : StandardStatus.parse("StandardStatus", status),
                Money.usd(j.whole("ListPrice", true, 0, Money.MAX)),
                type == null ? PropertyType.Residential : PropertyType.parse("PropertyType", type),
                j.wholeInt("BedroomsTotal", true, Listing.MAX_ROOMS),
                j.wholeInt("BathroomsTotalInteger", true, Listing.MAX_ROOMS),
                j.wholeInt("LivingArea", true, Listing.MAX_AREA),
                new Address(j.text("UnparsedAddress", true), j.text("City", true),
                        j.text("StateOrProvince", true), j.text("PostalCode", true)),
                new GeoPoint(j.decimal("Latitude", true, -90, 90), j.decimal("Longitude", true, -180, 180)),
                date == null ? today : date(date),
                photos == null ? 0 : photos.intValue(),
                j.text("PublicRemarks", false));
    }

    static ListingPatch patch(Buffer body) {
        JsonBody j = JsonBody.parse(body, PATCH_FIELDS, IMMUTABLE_FIELDS);
        String status = j.text("StandardStatus", false);
        String type = j.text("PropertyType", false);
        Long price = j.whole("ListPrice", false, 0, Money.MAX);
        ListingPatch patch = new ListingPatch(
                status == null ? null : StandardStatus.parse("StandardStatus", status),
                price == null ? null : Money.usd(price),
                type == null ? null : PropertyType.parse("PropertyType", type),
                j.wholeInt("BedroomsTotal", false, Listing.MAX_ROOMS),
                j.wholeInt("BathroomsTotalInteger", false, Listing.MAX_ROOMS),
                j.wholeInt("LivingArea", false, Listing.MAX_AREA),
                j.wholeInt("PhotosCount", false, 10_000),
                j.text("PublicRemarks", false));
        if (patch.isEmpty()) {
            throw BadRequestException.parameter("body", "names no field to change; patchable: "
                    + String.join(", ", PATCH_FIELDS.stream().sorted().toList()));
        }
        return patch;
    }

    static InquiryDraft inquiry(Buffer body) {
        JsonBody j = JsonBody.parse(body, INQUIRY_FIELDS, Set.of());
        String trap = j.text(HONEYPOT, false);
        if (trap != null && !trap.isEmpty()) {
            throw BadRequestException.parameter(HONEYPOT, "must be empty: it is a field people never see");
        }
        String key = j.text("ListingKey", true);
        if (!ListingKey.isValid(key)) {
            throw BadRequestException.parameter("ListingKey", "is not a listing key");
        }
        return new InquiryDraft(ListingKey.of(key), j.text("name", true), j.text("email", true),
                j.text("message", true));
    }

    private static LocalDate date(String text) {
        try {
            LocalDate d = LocalDate.parse(text);
            if (d.getYear() < 1900 || d.getYear() > 2200) {
                throw BadRequestException.parameter("ListingContractDate", "must be a date between 1900 and 2200");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw BadRequestException.parameter("ListingContractDate", "must be an ISO date such as 2026-03-01");
        }
    }
}
