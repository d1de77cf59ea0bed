package io.hexproperty.domain.port.out;

import io.hexproperty.domain.Inquiry;
import io.hexproperty.domain.InquiryDraft;
import java.util.concurrent.CompletionStage;

/** Buyer inquiries. Submitting for a listing that does not exist fails with ListingNotFoundException. */
public interface InquiryStore {
    CompletionStage<Inquiry> submit(InquiryDraft draft);
}
