package io.hexproperty.database.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@Unit
class ShardMapTest {

    @Test
    void greedyPackingPutsEachStateOnTheLightestShardHeaviestFirst() {
        ShardMap map = ShardMap.byState(2, Map.of("CA", 10L, "TX", 7L, "NY", 5L, "FL", 4L));
        // CA -> 0 (10), TX -> 1 (7), NY -> 1 (12), FL -> 0 (14)
        assertThat(map.statesOf(0)).containsExactly("CA", "FL");
        assertThat(map.statesOf(1)).containsExactly("NY", "TX");
        assertThat(map.weightOf(0)).isEqualTo(14);
        assertThat(map.weightOf(1)).isEqualTo(12);
    }

    @Test
    void equalWeightsAreBrokenAlphabeticallySoTheMapIsDeterministic() {
        ShardMap map = ShardMap.byState(3, Map.of("WY", 1L, "AK", 1L, "VT", 1L));
        assertThat(map.shardOf("AK")).isZero();
        assertThat(map.shardOf("VT")).isEqualTo(1);
        assertThat(map.shardOf("WY")).isEqualTo(2);
    }

    @Test
    void theVendoredPopulationMapIsBalancedAndCoversEveryStateOnce() {
        ShardMap map = ShardMap.byState(3);
        Set<String> seen = new HashSet<>();
        long total = 0;
        for (int s = 0; s < 3; s++) {
            for (String state : map.statesOf(s)) {
                assertThat(seen.add(state)).as(state).isTrue();
                assertThat(map.shardOf(state)).isEqualTo(s);
            }
            total += map.weightOf(s);
        }
        assertThat(seen).contains("CA", "TX", "NY", "FL", "DC").hasSizeGreaterThanOrEqualTo(50);
        for (int s = 0; s < 3; s++) {
            assertThat((double) map.weightOf(s) / total).as("share of shard " + s).isBetween(0.30, 0.37);
        }
        assertThat(ShardMap.byState(3).describe()).isEqualTo(map.describe());
    }

    @Test
    void unknownStatesHashToAStableShard() {
        ShardMap map = ShardMap.byState(4, Map.of("CA", 1L));
        int shard = map.shardOf("GU");
        assertThat(shard).isBetween(0, 3).isEqualTo(ShardMap.byState(4, Map.of("CA", 1L)).shardOf("GU"));
        assertThat(map.holds(shard).test("GU")).isTrue();
    }

    @Test
    void rejectsImpossibleShardCounts() {
        assertThatThrownBy(() -> ShardMap.byState(0)).hasMessageContaining("between 1 and 64, was 0");
        assertThatThrownBy(() -> ShardMap.byState(2, Map.of()).statesOf(2)).hasMessageContaining("shards are 0..1");
    }
}
