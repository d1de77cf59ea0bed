package io.hexproperty.balancer.scaling;

import java.time.Instant;

/**
 * A policy's answer: how many workers, which rule decided ({@code rule}, a stable key used as the metric
 * tag) and why, in words an operator can act on. {@code refused} is set when a wanted change was cut by
 * the connection budget.
 */
public record Decision(Instant at, int current, int desired, String rule, String reason, boolean refused) {
    public enum Direction { OUT, IN, HOLD }

    public Direction direction() {
        return desired > current ? Direction.OUT : desired < current ? Direction.IN : Direction.HOLD;
    }

    @Override
    public String toString() {
        return at + " " + current + " -> " + desired + " [" + rule + "] " + reason;
    }
}
