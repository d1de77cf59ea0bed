package io.hexproperty.balancer.algorithms;

/**
 * The parts of a request an algorithm may look at: the affinity key ({@code hash}: the listing key) and
 * the region key ({@code geographic}: a state or an H3 cell). Either may be null.
 */
public record Request(String affinityKey, String regionKey) {
    private static final Request NONE = new Request(null, null);

    public static Request none() {
        return NONE;
    }
}
