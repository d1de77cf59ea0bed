package io.hexproperty.app;

import io.hexproperty.database.ops.ApiQueryPlans;
import io.hexproperty.database.Migrations;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hexproperty db plans}: EXPLAIN (ANALYZE, BUFFERS) of every API query, as Markdown. */
@Command(name = "plans", mixinStandardHelpOptions = true,
        description = "Runs EXPLAIN (ANALYZE, BUFFERS) of every query shape the API sends (find, each filter, each sort, "
                + "cursor pages) with sample values from the data, and prints the plans and the indexes they use as "
                + "Markdown (the source of docs/database-indexes.md).")
final class PlansCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @Override
    public Integer call() throws Exception {
        try (Databases.Handle database = Databases.open(db.dbUrl, db.dbUser, db.dbPassword, db.dataDir, System.err, true)) {
            Migrations.apply(database.jdbcUrl(), database.user(), database.password());
            System.out.print(ApiQueryPlans.markdown(ApiQueryPlans.explain(database.config())));
            return 0;
        }
    }
}
