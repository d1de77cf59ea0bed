package io.hexproperty.testing;

import static io.hexproperty.testing.Stages.await;
import static io.hexproperty.testing.Stages.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.domain.Inquiry;
import io.hexproperty.domain.InquiryDraft;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingNotFoundException;
import io.hexproperty.domain.port.out.InquiryStore;
import io.hexproperty.domain.port.out.ListingStore;
import org.junit.jupiter.api.Test;

/** What every {@link InquiryStore} must do; {@link #listings()} must be the store it checks listings against. */
public abstract class InquiryStoreContract {

    protected abstract InquiryStore store();

    protected abstract ListingStore listings();

    @Test
    void inquiryAboutAnExistingListingIsStored() {
        Listing listing = await(listings().create(ListingDrafts.draft().build(), "AGINQUIRY01"));
        String message = "Is the garden south-facing? 🌞 'quotes'; --";

        Inquiry a = await(store().submit(new InquiryDraft(listing.listingKey(), "Bo Buyer", "bo@example.com", message)));
        Inquiry b = await(store().submit(new InquiryDraft(listing.listingKey(), "Cy Buyer", "cy@example.com", "Hi")));

        assertThat(a.listingKey()).isEqualTo(listing.listingKey());
        assertThat(a.message()).isEqualTo(message);
        assertThat(a.email()).isEqualTo("bo@example.com");
        assertThat(a.createdAt()).isNotNull();
        assertThat(b.id()).isGreaterThan(a.id());
    }

    @Test
    void inquiryAboutAMissingListingIsNotFound() {
        ListingKey missing = ListingKey.of("HXMISSING0000");
        Throwable error = failure(store().submit(new InquiryDraft(missing, "Bo Buyer", "bo@example.com", "Hello")));
        assertThat(error).isInstanceOfSatisfying(ListingNotFoundException.class, e -> assertThat(e.key()).isEqualTo(missing));
    }
}
