package io.hexproperty.balancer.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The store's invariants: a fill that started before an invalidation is never stored after it; the byte bound holds. */
@Unit
class EdgeStoreTest {
    private final AtomicLong ticker = new AtomicLong(1_000);

    private static StoredResponse response(String version, String tags, int bodyBytes) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("cache-control", "max-age=60").add("x-version", version)
                .add("surrogate-key", tags);
        return StoredResponse.of(200, "OK", h, Buffer.buffer(new byte[bodyBytes]), MultiMap.caseInsensitiveMultiMap(),
                0, 0, "Surrogate-Key");
    }

    @Test
    void aFillOlderThanAnInvalidationOfItsKeyOrItsSurrogateKeyIsRefused() {
        EdgeStore store = new EdgeStore(1 << 20, ticker::get);
        MultiMap req = MultiMap.caseInsensitiveMultiMap();
        long before = store.now();
        ticker.addAndGet(10);
        store.invalidate("h /a");
        assertThat(store.store("h /a", response("old", "listing:A", 10), before)).isFalse();
        assertThat(store.lookup("h /a", req)).isNull();

        ticker.addAndGet(10);
        long started = store.now();
        ticker.addAndGet(10);
        store.purge(Set.of("city:x"));
        assertThat(store.store("h /search", response("old", "listings:any city:x", 10), started)).isFalse();
        ticker.addAndGet(10);
        assertThat(store.store("h /search", response("new", "listings:any city:x", 10), store.now())).isTrue();
        assertThat(store.lookup("h /search", req).headers().get("x-version")).isEqualTo("new");
    }

    @Test
    void purgeBySurrogateKeyRemovesEveryTaggedUriAndNothingElse() {
        EdgeStore store = new EdgeStore(1 << 20, ticker::get);
        MultiMap req = MultiMap.caseInsensitiveMultiMap();
        store.store("h /listings/A", response("1", "listing:A city:x", 10), store.now());
        store.store("h /search?city=x", response("1", "listings:any city:x", 10), store.now());
        store.store("h /listings/B", response("1", "listing:B city:y", 10), store.now());
        assertThat(store.purge(Set.of("listing:A"))).isEqualTo(1);
        assertThat(store.lookup("h /listings/A", req)).isNull();
        assertThat(store.lookup("h /search?city=x", req)).isNotNull();
        assertThat(store.purge(Set.of("city:x"))).isEqualTo(1);
        assertThat(store.lookup("h /search?city=x", req)).isNull();
        assertThat(store.lookup("h /listings/B", req)).isNotNull();
        store.purgeAll();
        assertThat(store.lookup("h /listings/B", req)).isNull();
    }

    @Test
    void theStoreStaysWithinItsByteBound() {
        long bound = 256 * 1024;
        EdgeStore store = new EdgeStore(bound, ticker::get);
        for (int i = 0; i < 2_000; i++) {
            store.store("h /" + i, response("1", "k" + i, 1_000), store.now());
        }
        store.entryCount(); // Caffeine evicts on its maintenance cycle; run inline by the store's executor
        assertThat(store.weightedBytes()).isLessThanOrEqualTo(bound);
        assertThat(store.entryCount()).isLessThan(2_000).isGreaterThan(0);
    }
}
