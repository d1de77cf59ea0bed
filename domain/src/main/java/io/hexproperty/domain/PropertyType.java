package io.hexproperty.domain;

/** RESO PropertyType values that a listings site shows. */
public enum PropertyType {
    Residential, ResidentialIncome, ResidentialLease, Land, Farm, CommercialSale, CommercialLease;

    /** Offered for rent (priced per month), as opposed to for sale. */
    public boolean isLease() {
        return this == ResidentialLease || this == CommercialLease;
    }

    public static PropertyType parse(String field, String value) {
        for (PropertyType t : values()) {
            if (t.name().equalsIgnoreCase(value)) {
                return t;
            }
        }
        throw new DomainException(field, "must be one of " + java.util.Arrays.toString(values()));
    }
}
