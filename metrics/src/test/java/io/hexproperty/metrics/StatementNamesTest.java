package io.hexproperty.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class StatementNamesTest {
    @Test
    void namesAreOperationAndFirstTable() {
        assertThat(StatementNames.summarize("SELECT l.* FROM listings l WHERE city = $1")).isEqualTo("SELECT listings");
        assertThat(StatementNames.summarize("  insert into inquiries (a, b) values ($1, $2)")).isEqualTo("INSERT inquiries");
        assertThat(StatementNames.summarize("UPDATE listings SET x = 1")).isEqualTo("UPDATE listings");
        assertThat(StatementNames.summarize("DELETE FROM listing_changes WHERE seq < $1")).isEqualTo("DELETE listing_changes");
        assertThat(StatementNames.summarize("LISTEN listing_changes")).isEqualTo("LISTEN");
        assertThat(StatementNames.summarize("SELECT 1")).isEqualTo("SELECT");
        assertThat(StatementNames.summarize("SELECT * FROM \"Odd Name\"")).isEqualTo("SELECT");
        assertThat(StatementNames.summarize("GRANT ALL")).isEqualTo(StatementNames.OTHER);
    }

    @Test
    void distinctNamesAreCapped() {
        StatementNames names = new StatementNames();
        for (int i = 0; i < 500; i++) {
            names.of("SELECT * FROM table_" + i);
        }
        assertThat(names.of("SELECT * FROM table_499")).isEqualTo(StatementNames.OTHER);
        assertThat(names.of("SELECT * FROM table_1")).isEqualTo("SELECT table_1");
    }

    @Test
    void contextSwitchesStayMonotoneWhenThreadsExit(@TempDir Path proc) throws Exception {
        Path task = proc.resolve("task");
        write(task, "1", 10, 1);
        write(task, "2", 100, 5);
        ThreadSwitches switches = new ThreadSwitches(task);
        assertThat(switches.total(ThreadSwitches.Kind.VOLUNTARY)).isEqualTo(110);
        // thread 2 exits, thread 3 starts
        Files.delete(task.resolve("2").resolve("status"));
        Files.delete(task.resolve("2"));
        write(task, "3", 1, 0);
        assertThat(switches.total(ThreadSwitches.Kind.VOLUNTARY)).isEqualTo(111);
        assertThat(switches.total(ThreadSwitches.Kind.INVOLUNTARY)).isEqualTo(6);
    }

    private static void write(Path task, String tid, long voluntary, long involuntary) throws Exception {
        Files.createDirectories(task.resolve(tid));
        Files.writeString(task.resolve(tid).resolve("status"), "Name:\tx\nvoluntary_ctxt_switches:\t" + voluntary
                + "\nnonvoluntary_ctxt_switches:\t" + involuntary + "\n");
    }
}
