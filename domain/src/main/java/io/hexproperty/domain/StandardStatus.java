package io.hexproperty.domain;

/** RESO StandardStatus values. The first three are "on market" (the hot set). */
public enum StandardStatus {
    Active, ComingSoon, Pending, ActiveUnderContract, Closed, Expired, Withdrawn, Canceled;

    public boolean onMarket() {
        return this == Active || this == ComingSoon || this == Pending || this == ActiveUnderContract;
    }

    public static StandardStatus parse(String field, String value) {
        for (StandardStatus s : values()) {
            if (s.name().equalsIgnoreCase(value)) {
                return s;
            }
        }
        throw new DomainException(field, "must be one of " + java.util.Arrays.toString(values()));
    }
}
