package io.hexproperty.domain;

import java.util.Objects;

/** Where a listing is (RESO UnparsedAddress, City, StateOrProvince, PostalCode). */
public record Address(String unparsedAddress, String city, String stateOrProvince, String postalCode) {
    public Address {
        unparsedAddress = Text.require("UnparsedAddress", unparsedAddress, 200);
        city = Text.require("City", city, 100);
        Objects.requireNonNull(stateOrProvince, "stateOrProvince");
        if (!stateOrProvince.matches("[A-Z]{2}")) {
            throw new DomainException("StateOrProvince", "must be a two-letter upper-case code such as TX");
        }
        Objects.requireNonNull(postalCode, "postalCode");
        if (!postalCode.matches("[0-9]{5}")) {
            throw new DomainException("PostalCode", "must be five digits");
        }
    }
}
