package io.hexproperty.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/** A buyer's message before it is stored. */
public record InquiryDraft(ListingKey listingKey, String name, String email, String message) {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}\\.[^@\\s]{1,63}");

    public InquiryDraft {
        Objects.requireNonNull(listingKey, "listingKey");
        name = Text.requireLine("name", name, 100);
        email = Text.requireLine("email", email, 254);
        if (!EMAIL.matcher(email).matches()) {
            throw new DomainException("email", "is not an e-mail address");
        }
        message = Text.require("message", message, 5000);
    }
}
