package io.hexproperty.seed;

import io.hexproperty.domain.PropertyType;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Street addresses and short public remarks assembled from word lists. The vocabulary is what real
 * listing text uses (pool, granite, hardwood, cul-de-sac, ...) so full-text search has realistic
 * term frequencies: common words match many listings, rare ones few.
 */
final class Words {
    private static final String[] STREETS = {
            "Oak", "Maple", "Pine", "Cedar", "Elm", "Willow", "Birch", "Walnut", "Chestnut", "Spruce",
            "Magnolia", "Sycamore", "Cypress", "Aspen", "Hickory", "Dogwood", "Juniper", "Laurel", "Holly", "Poplar",
            "Main", "Park", "Lake", "Hill", "River", "Meadow", "Ridge", "Forest", "Valley", "Spring",
            "Sunset", "Highland", "Lincoln", "Washington", "Jefferson", "Madison", "Franklin", "Jackson", "Adams",
            "Church", "Mill", "Bridge", "Market", "Union", "Center", "College", "Prospect", "Garden", "Orchard",
            "Harbor", "Bay", "Cherry", "Peachtree", "Mockingbird", "Bluebonnet", "Cardinal", "Heritage", "Pioneer",
            "Liberty", "Independence", "Victoria", "Windsor", "Canyon", "Mesa", "Vista", "Palmetto", "Sierra",
            "1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th", "12th", "14th", "23rd",
            "Broadway", "Grand", "Riverside", "Fairview", "Greenwood", "Brookside", "Woodland", "Lakeview", "Hillcrest"};
    private static final String[] SUFFIXES = {
            "St", "St", "Ave", "Ave", "Rd", "Dr", "Dr", "Ln", "Blvd", "Ct", "Way", "Pl", "Ter", "Cir", "Pkwy", "Trl"};

    private static final String[] OPENERS = {
            "Charming", "Spacious", "Beautifully updated", "Move-in ready", "Light-filled", "Stunning", "Cozy",
            "Well-maintained", "Renovated", "Classic", "Modern", "Sun-drenched", "Meticulously kept", "Inviting",
            "Elegant", "Bright", "Quiet", "Immaculate", "Rare", "Newly built"};
    private static final String[] HOME_KINDS = {
            "home", "home", "single-family home", "ranch", "colonial", "craftsman", "townhome", "bungalow",
            "two-story home", "split-level", "cottage", "contemporary home", "Victorian", "farmhouse"};
    private static final String[] CONDO_KINDS = {"condo", "apartment", "loft", "co-op", "flat", "penthouse"};
    private static final String[] FEATURES = {
            "an updated kitchen with granite counters", "hardwood floors throughout", "a large fenced backyard",
            "a sparkling pool", "a two-car garage", "stainless steel appliances", "vaulted ceilings",
            "a cozy fireplace", "a primary suite with walk-in closet", "quartz countertops", "a covered patio",
            "new roof and HVAC", "an open floor plan", "a finished basement", "solar panels", "a chef's kitchen",
            "a private balcony", "in-unit laundry", "a home office", "energy-efficient windows",
            "a screened porch", "mature shade trees", "a deck for entertaining", "tall ceilings and crown molding",
            "a renovated bathroom", "a walk-in pantry", "an attached workshop", "a mudroom", "smart home features",
            "a gas range", "built-in bookshelves", "a bonus room", "a wine fridge", "plantation shutters",
            "an EV charger in the garage", "a sprinkler system", "a hot tub", "skylights"};
    private static final String[] NEARBY = {
            "close to schools and parks", "minutes from downtown", "near shopping and dining",
            "on a quiet cul-de-sac", "steps from the park", "near the light rail", "with easy freeway access",
            "in a top-rated school district", "walking distance to cafes", "near the lake", "with mountain views",
            "with city views", "near the hospital and university", "in a friendly neighborhood",
            "close to the beach", "on a tree-lined street", "near trails and greenbelt", "with no HOA"};
    private static final String[] CLOSERS = {
            "Schedule your showing today!", "Will not last long.", "Open house this weekend.",
            "Priced to sell.", "A must see.", "Welcome home!", "Seller motivated.", "Bring your offers.",
            "Virtual tour available.", "Pre-inspected."};
    private static final String[] LOT_FEATURES = {
            "level and ready to build", "with utilities at the street", "with road frontage", "wooded",
            "with a creek", "gently sloping with views", "zoned residential", "cleared and surveyed",
            "with well and septic permits", "backing to open space"};
    private static final String[] LOT_OPENERS = {"Beautiful", "Rare", "Private", "Prime", "Affordable"};
    private static final String[] LEASE_TERMS = {
            "Pets welcome. ", "Available now. ", "12-month lease. ", "Utilities included. ", "No smoking. "};
    private static final String[] COMMERCIAL_KINDS = {
            "retail space", "office building", "warehouse", "mixed-use building", "restaurant space",
            "medical office", "flex industrial space", "strip center unit"};
    private static final String[] COMMERCIAL_FEATURES = {
            "ample parking", "high traffic counts", "loading dock", "signage on the main road",
            "recently renovated interior", "corner location", "three-phase power", "ADA compliant restrooms"};

    private Words() {}

    static String streetAddress(SplittableRandom rnd, boolean smallTown, boolean unit) {
        int number = smallTown ? 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 9_999 : 1_999)
                : 100 + rnd.nextInt(rnd.nextInt(3) == 0 ? 29_900 : 9_900);
        String street = number + " " + pick(rnd, STREETS) + " " + pick(rnd, SUFFIXES);
        if (!unit) {
            return street;
        }
        return switch (rnd.nextInt(3)) {
            case 0 -> street + " Apt " + (1 + rnd.nextInt(30)) + (char) ('A' + rnd.nextInt(8));
            case 1 -> street + " Unit " + (100 * (1 + rnd.nextInt(25)) + 1 + rnd.nextInt(20));
            default -> street + " #" + (1 + rnd.nextInt(400));
        };
    }

    static String remarks(SplittableRandom rnd, PropertyType type, int beds, int baths, int area, boolean condo,
            String city) {
        StringBuilder sb = new StringBuilder(200);
        switch (type) {
            case Land -> sb.append(pick(rnd, LOT_OPENERS))
                    .append(' ').append(acres(rnd)).append("-acre lot in ").append(city).append(", ")
                    .append(pick(rnd, LOT_FEATURES)).append(" and ").append(pick(rnd, NEARBY)).append(". ");
            case CommercialSale, CommercialLease -> sb.append(pick(rnd, OPENERS)).append(' ')
                    .append(pick(rnd, COMMERCIAL_KINDS)).append(" in ").append(city).append(" with ")
                    .append(String.format(Locale.ROOT, "%,d", area)).append(" sq ft, ").append(pick(rnd, COMMERCIAL_FEATURES))
                    .append(" and ").append(pick(rnd, COMMERCIAL_FEATURES)).append(". ")
                    .append(type == PropertyType.CommercialLease ? "Flexible lease terms. " : "Great investment. ");
            default -> {
                sb.append(pick(rnd, OPENERS)).append(' ');
                sb.append(beds == 0 ? "studio" : beds + "-bedroom").append(", ").append(baths).append("-bath ");
                sb.append(type == PropertyType.ResidentialIncome ? "multi-family property"
                        : type == PropertyType.Farm ? "farm with barn and pasture"
                        : condo ? pick(rnd, CONDO_KINDS) : pick(rnd, HOME_KINDS));
                sb.append(" in ").append(city).append(' ').append(pick(rnd, NEARBY)).append(". Features ");
                String first = pick(rnd, FEATURES);
                String second = pick(rnd, FEATURES);
                sb.append(first);
                if (!second.equals(first)) {
                    sb.append(" and ").append(second);
                }
                sb.append(". ");
                if (type == PropertyType.ResidentialLease) {
                    sb.append(pick(rnd, LEASE_TERMS));
                }
            }
        }
        sb.append(pick(rnd, CLOSERS));
        return sb.toString();
    }

    private static String acres(SplittableRandom rnd) {
        double acres = Math.exp(rnd.nextGaussian() * 1.2);
        return acres < 1 ? String.format(Locale.ROOT, "%.2f", Math.max(0.1, acres)) : Integer.toString((int) Math.round(acres));
    }

    static <T> T pick(SplittableRandom rnd, T[] values) {
        return values[rnd.nextInt(values.length)];
    }
}
