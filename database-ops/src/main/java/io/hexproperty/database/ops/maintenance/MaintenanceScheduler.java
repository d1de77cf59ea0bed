package io.hexproperty.database.ops.maintenance;

import io.hexproperty.database.DatabaseConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Watches pg_stat_user_tables (dead rows, rows changed since analyze, running autovacuum) and index
 * bloat (pgstattuple's leaf density when that extension is installed, otherwise an estimate from
 * row counts and key widths) and runs VACUUM (ANALYZE), ANALYZE or REINDEX INDEX CONCURRENTLY when
 * a {@link MaintenanceThresholds threshold} is crossed.
 *
 * <p>One action at a time: each check runs at most one, under a session advisory lock, so several
 * application nodes never maintain at once. No action starts while {@code p99Millis} (the API's
 * current p99 latency; NaN when unknown) is above the SLO: it is postponed to the next check. Every
 * action is logged and counted: {@code db.maintenance.actions{action,table}} (done),
 * {@code db.maintenance.failures{action,table}}, {@code db.maintenance.postponed}, and timed in
 * {@code db.maintenance.duration{action}}. Blocking JDBC; {@link #start()} uses its own virtual thread.
 */
public interface MaintenanceScheduler extends AutoCloseable {

    static MaintenanceScheduler create(DatabaseConfig database, MaintenanceConfig config, DoubleSupplier p99Millis,
                                       Clock clock, MeterRegistry registry) {
        return new PgMaintenanceScheduler(database, config, p99Millis, clock, registry);
    }

    /** What is due now, in the order it would run, with reasons (the dry run). */
    List<MaintenanceAction> plan() throws SQLException;

    /** One check: runs the first due action unless latency or another node says not now. */
    MaintenanceOutcome runOnce();

    /** Runs this action now, under the maintenance lock, whatever the latency (for an operator's command). */
    MaintenanceOutcome run(MaintenanceAction action);

    /** Checks every interval until {@link #close()}. */
    void start();

    @Override
    void close();
}
