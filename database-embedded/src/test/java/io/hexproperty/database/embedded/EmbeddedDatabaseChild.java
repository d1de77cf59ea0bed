package io.hexproperty.database.embedded;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A JVM that runs an embedded database until it is killed, for the tests that kill it; it closes
 * the database from a shutdown hook as the application does. Prints
 * {@code READY <postgres pid>} once the server accepts connections.
 */
public final class EmbeddedDatabaseChild {
    private EmbeddedDatabaseChild() {}

    public static void main(String[] args) throws InterruptedException {
        EmbeddedDatabase db = EmbeddedDatabase.start(Path.of(args[0]), 0);
        // What the application's shutdown sequence does after draining HTTP.
        Runtime.getRuntime().addShutdownHook(new Thread(db::close));
        System.out.println("READY " + db.postgresPid());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
