package io.hexproperty.domain;

import java.util.Objects;

/** Where a listing is (RESO UnparsedAddress, City, StateOrProvince, PostalCode). */
public record Address(String unparsedAddress, String city, String stateOrProvince, String postalCode) {
    private static final java.util.regex.Pattern STATE = java.util.regex.Pattern.compile("[A-Z]{2}");
    private static final java.util.regex.Pattern POSTAL = java.util.regex.Pattern.compile("[0-9]{5}");

    public Address {
        unparsedAddress = Text.requireLine("UnparsedAddress", unparsedAddress, 200);
        city = Text.requireLine("City", city, 100);
        Objects.requireNonNull(stateOrProvince, "stateOrProvince");
        if (!STATE.matcher(stateOrProvince).matches()) {
            throw new DomainException("StateOrProvince", "must be a two-letter upper-case code such as TX");
        }
        Objects.requireNonNull(postalCode, "postalCode");
        if (!POSTAL.matcher(postalCode).matches()) {
            throw new DomainException("PostalCode", "must be five digits");
        }
    }
}
