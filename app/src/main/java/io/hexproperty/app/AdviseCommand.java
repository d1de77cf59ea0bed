package io.hexproperty.app;

import io.hexproperty.database.Migrations;
import io.hexproperty.database.ops.advisor.Advice;
import io.hexproperty.database.ops.advisor.AdviceConfig;
import io.hexproperty.database.ops.advisor.IndexAdvisor;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hexproperty db advise}: slow queries with plans, index and statistics advice. */
@Command(name = "advise", mixinStandardHelpOptions = true,
        description = "Reads pg_stat_statements, pg_stat_user_indexes, pg_stat_user_tables and pg_stats and reports slow "
                + "queries with their plans, unused and duplicate indexes, missing-index candidates (checked with HypoPG "
                + "when installed) and CREATE STATISTICS suggestions for correlated columns. Read-only.")
final class AdviseCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @Option(names = "--json", description = "Print JSON instead of the text report.")
    boolean json;

    @Option(names = "--slow", defaultValue = "20ms", converter = DurationConverter.class,
            description = "Mean execution time from which a statement is slow (default: ${DEFAULT-VALUE}).")
    Duration slow;

    @Override
    public Integer call() throws Exception {
        try (Databases.Handle database = Databases.open(db.dbUrl, db.dbUser, db.dbPassword, db.dataDir, System.err, true)) {
            Migrations.apply(database.jdbcUrl(), database.user(), database.password());
            Advice advice = IndexAdvisor.create(database.config(), AdviceConfig.defaults().withSlowMean(slow),
                    Clock.systemUTC()).advise();
            System.out.print(json ? advice.json() + "\n" : advice.text());
            return 0;
        }
    }
}
