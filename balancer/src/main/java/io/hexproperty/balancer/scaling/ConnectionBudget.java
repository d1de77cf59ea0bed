package io.hexproperty.balancer.scaling;

/**
 * PostgreSQL's hard limit shared by every worker's pool: {@code workers x poolPerWorker <= maxConnections -
 * reserve}. The reserve keeps room for migrations, admin sessions, replication and the operator's psql.
 */
public record ConnectionBudget(int maxConnections, int reserve, int poolPerWorker) {
    public ConnectionBudget {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max_connections must be >= 1, was " + maxConnections);
        }
        if (reserve < 0 || reserve >= maxConnections) {
            throw new IllegalArgumentException("connection reserve must be in [0, max_connections " + maxConnections + "), was " + reserve);
        }
        if (poolPerWorker < 1) {
            throw new IllegalArgumentException("pool per worker must be >= 1, was " + poolPerWorker);
        }
    }

    /** PostgreSQL's default max_connections (100), 10 reserved, the worker default pool of 8. */
    public static ConnectionBudget defaults() {
        return new ConnectionBudget(100, 10, 8);
    }

    /** No limit worth checking (fixed origins with their own databases). */
    public static ConnectionBudget none() {
        return new ConnectionBudget(Integer.MAX_VALUE, 0, 1);
    }

    public int usable() {
        return maxConnections - reserve;
    }

    /** The most workers the budget allows at this pool size. */
    public int maxWorkers() {
        return usable() / poolPerWorker;
    }

    public ConnectionBudget withPoolPerWorker(int pool) {
        return new ConnectionBudget(maxConnections, reserve, pool);
    }

    /** Why {@code workers} would break the budget, or null when it holds. */
    public String violation(int workers) {
        long needed = (long) workers * poolPerWorker;
        if (needed <= usable()) {
            return null;
        }
        return workers + " workers x pool " + poolPerWorker + " = " + needed + " connections > max_connections "
                + maxConnections + " - reserve " + reserve + " = " + usable();
    }
}
