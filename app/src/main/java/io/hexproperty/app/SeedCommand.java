package io.hexproperty.app;

import io.hexproperty.database.Migrations;
import io.hexproperty.seed.SeedProgress;
import io.hexproperty.seed.SeedReport;
import io.hexproperty.seed.Seeder;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hexproperty seed}: bulk-loads generated listings (COPY), with a progress bar. */
@Command(name = "seed", mixinStandardHelpOptions = true,
        description = "Generates realistic listings from real US places and bulk-loads them with COPY. "
                + "Refuses to touch a database that has listings unless --reset is given.")
final class SeedCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @Option(names = "--listings", defaultValue = "100000", description = "How many listings (default: ${DEFAULT-VALUE}).")
    long listings;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}); same seed, same data.")
    long seed;

    @Option(names = "--reset", description = "Delete all listings (and their media, inquiries, change history) first.")
    boolean reset;

    @Override
    public Integer call() throws Exception {
        if (listings < 1 || listings > 50_000_000) {
            System.err.println("hexproperty: --listings must be between 1 and 50000000, got " + listings);
            return 2;
        }
        try (Databases.Handle database = Databases.open(db.dbUrl, db.dbUser, db.dbPassword, db.dataDir, System.out, true)) {
            Migrations.apply(database.jdbcUrl(), database.user(), database.password());
            if (Seeder.isSeeded(database.jdbcUrl(), database.user(), database.password())) {
                if (!reset) {
                    System.err.println("hexproperty: the database already has listings; add --reset to replace them");
                    return 1;
                }
                Seeder.reset(database.jdbcUrl(), database.user(), database.password());
            }
            SeedReport report = new Seeder(database.jdbcUrl(), database.user(), database.password())
                    .seed(listings, seed, SeedProgress.console());
            System.out.println("hexproperty: " + report);
            return 0;
        }
    }
}
