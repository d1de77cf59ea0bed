package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@Unit
class CloserTest {

    @Test
    void closesNewestFirstAndEachOnce() {
        List<String> closed = new ArrayList<>();
        Closer closer = new Closer();
        closer.add("database", () -> closed.add("database"));
        closer.add("nothing", null);
        closer.add("pool", () -> closed.add("pool"));
        closer.add("cache", () -> closed.add("cache"));

        closer.close();
        closer.close();

        assertThat(closed).containsExactly("cache", "pool", "database");
    }

    @Test
    void aFailureDoesNotKeepTheOthersOpenAndEveryFailureIsReported() {
        List<String> closed = new ArrayList<>();
        Closer closer = new Closer();
        closer.add("database", () -> closed.add("database"));
        closer.add("pool", () -> {
            throw new IOException("pool stuck: 3 active");
        });
        closer.add("feed", () -> {
            throw new IllegalStateException("feed gone");
        });
        closer.add("cache", () -> closed.add("cache"));

        assertThatThrownBy(closer::close)
                .isInstanceOf(Closer.CloseException.class)
                .hasMessageContaining("2 resource(s)")
                .hasMessageContaining("pool (pool stuck: 3 active)")
                .hasMessageContaining("feed (feed gone)")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                        .containsExactly("feed gone", "pool stuck: 3 active"));
        assertThat(closed).containsExactly("cache", "database");
    }

    @Test
    void whatIsAddedAfterACloseIsClosedByTheNextOne() {
        List<String> closed = new ArrayList<>();
        Closer closer = new Closer();
        closer.add("first", () -> closed.add("first"));
        closer.close();
        closer.add("second", () -> closed.add("second"));
        closer.close();
        assertThat(closed).containsExactly("first", "second");
    }
}
