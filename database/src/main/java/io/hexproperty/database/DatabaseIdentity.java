package io.hexproperty.database;

import io.vertx.sqlclient.SqlClient;
import java.util.concurrent.CompletionStage;

/**
 * Which database cluster this is: PostgreSQL's system identifier, set once by initdb and kept by every
 * streaming replica of it, so it tells a primary (and its replicas) apart from any other database. Node
 * state saved against one database (a warm-start snapshot) is only valid for the same identifier.
 */
public final class DatabaseIdentity {
    private static final String SYSTEM_IDENTIFIER = "SELECT system_identifier::text FROM pg_control_system()";

    private DatabaseIdentity() {
    }

    /** The system identifier in decimal; fails when the role may not read it (then nothing can be vouched for). */
    public static CompletionStage<String> systemIdentifier(SqlClient client) {
        return client.query(SYSTEM_IDENTIFIER).execute().map(rows -> rows.iterator().next().getString(0)).toCompletionStage();
    }
}
