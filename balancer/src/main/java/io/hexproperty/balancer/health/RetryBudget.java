package io.hexproperty.balancer.health;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Finagle-style retry budget: each request deposits {@code ratio} of a retry, each retry withdraws one, and
 * a floor of {@code minPerSecond} retries per second keeps low-traffic retries possible. Over any run,
 * retries <= ratio x requests + minPerSecond x seconds + the initial reserve, so a failing worker cannot turn
 * a burst into a retry storm.
 *
 * <p>The balance may save up to ten seconds of the floor plus the deposits of 1,000 requests (as Finagle's budget
 * keeps a ten-second window): a worker killed with kill -9 fails every request it holds at once, and those are
 * exactly the retries the budget exists for. Saving does not raise the bound above: the balance only ever
 * holds what deposits and the floor put in.
 *
 * <p>Deposits are counted in a {@link LongAdder} and folded into the balance when a retry is asked for: every
 * request deposits, from every event loop, and a lock per request showed up on the gateway's hot path, while
 * withdrawals are rare. Folding late clamps to the cap once instead of per deposit, which never puts more in.
 */
public final class RetryBudget {
    private final double ratio;
    private final double minPerSecond;
    private final LongSupplier nanoTicker;
    private final double cap;
    private final LongAdder pending = new LongAdder();
    private double balance;
    private long stamp;

    public RetryBudget(double ratio, double minPerSecond, LongSupplier nanoTicker) {
        if (!(ratio >= 0 && ratio <= 1) || !(minPerSecond >= 0)) {
            throw new IllegalArgumentException("retry budget needs ratio in [0, 1] and minPerSecond >= 0, were " + ratio + ", " + minPerSecond);
        }
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        this.nanoTicker = nanoTicker;
        this.cap = Math.max(1, 10 * minPerSecond) + 1000 * ratio;
        this.balance = Math.max(1, minPerSecond);
        this.stamp = nanoTicker.getAsLong();
    }

    public void deposit() {
        pending.increment();
    }

    /** Takes one retry from the budget; false when it is spent. */
    public synchronized boolean tryWithdraw() {
        refill();
        if (balance >= 1) {
            balance -= 1;
            return true;
        }
        return false;
    }

    private void refill() {
        long now = nanoTicker.getAsLong();
        balance = Math.min(cap, balance + minPerSecond * (now - stamp) / 1e9 + ratio * pending.sumThenReset());
        stamp = now;
    }
}
