package io.hexproperty.app;

import io.hexproperty.database.Migrations;
import io.hexproperty.database.ops.maintenance.MaintenanceAction;
import io.hexproperty.database.ops.maintenance.MaintenanceConfig;
import io.hexproperty.database.ops.maintenance.MaintenanceOutcome;
import io.hexproperty.database.ops.maintenance.MaintenanceScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hexproperty db maintain}: VACUUM (ANALYZE), ANALYZE and REINDEX CONCURRENTLY where thresholds are crossed. */
@Command(name = "maintain", mixinStandardHelpOptions = true,
        description = "Checks dead rows, rows changed since analyze and index bloat against the maintenance thresholds "
                + "and runs what is due, one action at a time (VACUUM (ANALYZE), ANALYZE, REINDEX INDEX CONCURRENTLY). "
                + "With --dry-run, prints what it would do and why.")
final class MaintainCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @Option(names = "--dry-run", description = "Print the due actions and their reasons; change nothing.")
    boolean dryRun;

    @Option(names = "--max-actions", defaultValue = "20", description = "Stop after this many actions (default: ${DEFAULT-VALUE}).")
    int maxActions;

    @Override
    public Integer call() throws Exception {
        try (Databases.Handle database = Databases.open(db.dbUrl, db.dbUser, db.dbPassword, db.dataDir, System.err, true)) {
            Migrations.apply(database.jdbcUrl(), database.user(), database.password());
            // An operator's run: no latency signal here, so nothing is postponed.
            MaintenanceScheduler scheduler = MaintenanceScheduler.create(database.config(), MaintenanceConfig.defaults(),
                    () -> Double.NaN, Clock.systemUTC(), new SimpleMeterRegistry());
            List<MaintenanceAction> due = scheduler.plan();
            if (due.isEmpty()) {
                System.out.println("nothing due");
                return 0;
            }
            if (dryRun) {
                System.out.println(due.size() + " action(s) due, in the order they would run:");
                due.forEach(a -> System.out.println(a.sql() + ";\n    why: " + a.reason()));
                return 0;
            }
            // Each action once per run: statistics views lag a moment behind a finished VACUUM.
            Set<String> done = new HashSet<>();
            int failures = 0;
            for (int i = 0; i < maxActions; i++) {
                MaintenanceAction next = scheduler.plan().stream().filter(a -> !done.contains(a.sql())).findFirst().orElse(null);
                if (next == null) {
                    break;
                }
                done.add(next.sql());
                System.out.println(next.sql() + ";\n    why: " + next.reason());
                MaintenanceOutcome outcome = scheduler.run(next);
                System.out.println("    " + outcome.status().name().toLowerCase(java.util.Locale.ROOT) + " in "
                        + outcome.took().toMillis() + " ms" + (outcome.status() == MaintenanceOutcome.Status.DONE ? "" : ": " + outcome.detail()));
                if (outcome.status() != MaintenanceOutcome.Status.DONE) {
                    failures++;
                }
            }
            return failures == 0 ? 0 : 1;
        }
    }
}
