package io.hexproperty.seed;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.database.sharding.ShardMap;
import org.junit.jupiter.api.Test;

/** The shard map keeps its own copy of the state weights; it must be the generator's places data. */
@Unit
class StatePopulationsTest {
    @Test
    void theShardMapWeightsAreThePopulationsOfTheGeneratorsPlaces() {
        assertThat(ShardMap.statePopulations()).hasSizeGreaterThan(50).isEqualTo(ListingGenerator.statePopulations());
    }
}
