package io.hexproperty.balancer.algorithms;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

final class RoundRobin implements LoadBalancer {
    private final AtomicLong next = new AtomicLong();

    @Override
    public Endpoint pick(List<Endpoint> candidates, Request request) {
        return candidates.get((int) Math.floorMod(next.getAndIncrement(), (long) candidates.size()));
    }

    @Override
    public String name() {
        return "round-robin";
    }
}
