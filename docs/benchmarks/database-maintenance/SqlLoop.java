import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Runs the given statements one after another, round and round, until the given seconds have
 * passed, pausing PAUSE_MS (system property sqlloop.pause, default 0) after each; prints each
 * statement's duration. For the maintenance benchmark (run.sh):
 *   java -Dsqlloop.pause=10000 -cp 'app/target/lib/*' SqlLoop.java JDBC_URL USER SECONDS SQL [SQL...]
 */
public class SqlLoop {
    public static void main(String[] args) throws Exception {
        long end = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        long pause = Long.getLong("sqlloop.pause", 0);
        int runs = 0;
        try (Connection c = DriverManager.getConnection(args[0], args[1], ""); Statement st = c.createStatement()) {
            while (System.nanoTime() < end) {
                for (int i = 3; i < args.length && System.nanoTime() < end; i++) {
                    long t0 = System.nanoTime();
                    st.execute(args[i]);
                    runs++;
                    System.out.printf("%s: %.0f ms%n", args[i], (System.nanoTime() - t0) / 1e6);
                    Thread.sleep(pause);
                }
            }
        }
        System.out.println(runs + " statements");
    }
}
