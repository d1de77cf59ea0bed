package io.hexproperty.database.replicas;

import io.hexproperty.database.DatabaseConfig;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One PostgreSQL server of a {@link ReplicaSet}: its pool, the gate in front of it, and what the
 * health checker last saw. Health fields are written by the checker and by failed reads, read by
 * the router without locks: a decision made on a value one poll old is still a correct one.
 */
public final class Node {
    /** PRIMARY takes writes, REPLICA reads; RETIRED takes nothing (a former primary, or a replica of one). */
    public enum Role { PRIMARY, REPLICA, RETIRED }

    private final String name;
    private final DatabaseConfig config;
    private final Pool pool;
    private NodeGate gate;
    private volatile Role role;
    private volatile boolean up = true;
    private volatile String downReason = "";
    private volatile long downSince;
    private volatile boolean hardDown;
    private volatile long position;
    private volatile Duration lag = Duration.ZERO;
    private volatile boolean polled;

    Node(String name, DatabaseConfig config, Pool pool, Role role) {
        this.name = name;
        this.config = config;
        this.pool = pool;
        this.role = role;
    }

    void gate(NodeGate gate) {
        this.gate = gate;
    }

    public String name() {
        return name;
    }

    public Role role() {
        return role;
    }

    /** host:port, for messages. */
    public String address() {
        return config.host() + ":" + config.port();
    }

    public DatabaseConfig config() {
        return config;
    }

    public boolean up() {
        return up;
    }

    /** Why the node was last marked down (empty while up). */
    public String downReason() {
        return downReason;
    }

    /** Operations holding or waiting for a connection of this node. */
    public int outstanding() {
        return gate.active() + gate.waiting();
    }

    public int active() {
        return gate.active();
    }

    public int idle() {
        return gate.idle();
    }

    public int waiting() {
        return gate.waiting();
    }

    /** Replay lag at the last poll: zero when caught up with the primary's last known position. */
    public Duration lag() {
        return lag;
    }

    /** WAL position at the last poll: replayed (replica) or inserted (primary). */
    public long position() {
        return position;
    }

    /** Whether a health poll has reported this node's position yet. */
    public boolean polled() {
        return polled;
    }

    Pool pool() {
        return pool;
    }

    <T> CompletionStage<T> run(Supplier<CompletionStage<T>> operation) {
        return gate.run(operation);
    }

    void role(Role role) {
        this.role = role;
    }

    /**
     * Returns true when this call changed the node from up to down. {@code hard}: the node refused
     * or dropped a connection (it is gone); otherwise it was only too slow to answer, which a
     * saturated but healthy server also is.
     */
    synchronized boolean markDown(String reason, long now, boolean hard) {
        boolean changed = up;
        if (changed) {
            downSince = now;
            hardDown = hard;
        } else {
            hardDown |= hard;
        }
        up = false;
        downReason = reason;
        return changed;
    }

    /** Down because a connection was refused or dropped, not only because an answer was late. */
    public boolean hardDown() {
        return !up && hardDown;
    }

    /** Returns true when this call changed the node from down to up. */
    synchronized boolean markUp(long position, Duration lag) {
        boolean changed = !up;
        this.position = Math.max(this.position, position);
        this.lag = lag;
        this.polled = true;
        up = true;
        downReason = "";
        return changed;
    }

    long downSince() {
        return downSince;
    }

    @Override
    public String toString() {
        return name + "(" + role + ", " + address() + (up ? ", up" : ", down: " + downReason) + ")";
    }
}
