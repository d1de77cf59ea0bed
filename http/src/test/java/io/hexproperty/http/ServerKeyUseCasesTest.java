package io.hexproperty.http;

import static io.hexproperty.testing.Stages.await;
import static io.hexproperty.testing.Stages.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.domain.Agent;
import io.hexproperty.domain.Committed;
import io.hexproperty.domain.DomainException;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.ListingService;
import io.hexproperty.domain.Money;
import io.hexproperty.domain.NotOwnerException;
import io.hexproperty.domain.Signer;
import io.hexproperty.domain.TokenSealer;
import io.hexproperty.testing.InMemoryInquiryStore;
import io.hexproperty.testing.InMemoryListingStore;
import io.hexproperty.testing.ListingDrafts;
import io.hexproperty.testing.lane.Unit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Issue 9 items 3 and 5 in the use cases: who may change a listing; which consistency tokens are accepted. */
@Unit
class ServerKeyUseCasesTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @Test
    void theSignerIsHmacSha256() {
        // RFC 4231 test case 6 (a key longer than the block); the signature is the MAC's first 128 bits
        byte[] key = new byte[131];
        java.util.Arrays.fill(key, (byte) 0xaa);
        byte[] expected = HexFormat.of().parseHex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
        String signature = Signer.hmacSha256(key).sign("Test Using Larger Than Block-Size Key - Hash Key First");
        assertThat(java.util.Base64.getUrlDecoder().decode(signature)).isEqualTo(java.util.Arrays.copyOf(expected, 16));
        assertThatThrownBy(() -> Signer.hmacSha256(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTokensThisDeploymentSealedAndNotFromTheFutureOpen() {
        Signer key = Signer.random();
        TokenSealer sealer = new TokenSealer(key, Clock.fixed(NOW, ZoneOffset.UTC));
        String sealed = sealer.seal("16/B374D848");
        assertThat(sealer.open(sealed)).isEqualTo("16/B374D848");
        assertThat(new TokenSealer(key, Clock.fixed(NOW.plusSeconds(3600), ZoneOffset.UTC)).open(sealed))
                .as("an old token of ours still opens").isEqualTo("16/B374D848");
        // the raw WAL position clients could send before: any value, even one far ahead of the primary
        assertRejected(sealer, "FFFFFFFF/FFFFFFFF");
        assertRejected(sealer, "16/B374D848");
        assertRejected(sealer, new TokenSealer(Signer.random(), Clock.fixed(NOW, ZoneOffset.UTC)).seal("16/B374D848"));
        assertRejected(sealer, sealed.replace("16/B374D848", "FF/B374D848"));
        assertRejected(sealer, sealed + "x");
        assertRejected(sealer, "");
        String future = new TokenSealer(key, Clock.fixed(NOW.plus(Duration.ofMinutes(10)), ZoneOffset.UTC)).seal("16/B374D848");
        assertThatThrownBy(() -> sealer.open(future)).isInstanceOfSatisfying(DomainException.class,
                e -> assertThat(e.reason()).contains("future"));
        String withinSkew = new TokenSealer(key, Clock.fixed(NOW.plusSeconds(2), ZoneOffset.UTC)).seal("16/B374D848");
        assertThat(sealer.open(withinSkew)).as("cluster clocks differ by a little").isEqualTo("16/B374D848");
    }

    private static void assertRejected(TokenSealer sealer, String token) {
        assertThatThrownBy(() -> sealer.open(token)).as(token).isInstanceOfSatisfying(DomainException.class,
                e -> assertThat(e.field()).isEqualTo(Committed.TOKEN_HEADER));
    }

    @Test
    void agentsChangeOnlyTheirOwnListingsBrokersAndAdminsAnyAndFeedListingsAreNotEveryAgents() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        InMemoryListingStore store = new InMemoryListingStore(clock);
        ListingService service = new ListingService(store, new InMemoryInquiryStore(store, clock),
                new TokenSealer(Signer.random(), clock));
        Agent alice = new Agent("AGALICE", "Alice");
        Agent bob = new Agent("AGBOB", "Bob");
        Agent broker = new Agent("AGBROKER", "Bea", Agent.Role.BROKER);
        Agent admin = new Agent("AGADMIN", "Ops", Agent.Role.ADMIN);
        ListingPatch cheaper = new ListingPatch(null, Money.usd(1000), null, null, null, null, null, null);

        Listing mine = await(service.create(alice, ListingDrafts.draft().build()));
        Listing feed = await(store.create(ListingDrafts.draft().listingId("MLS-1").build(), Agent.MLS_FEED_KEY));

        assertThat(failure(service.update(bob, mine.listingKey(), cheaper, OptionalLong.empty()))).isInstanceOf(NotOwnerException.class);
        assertThat(failure(service.delete(bob, mine.listingKey()))).isInstanceOf(NotOwnerException.class);
        assertThat(failure(service.update(alice, feed.listingKey(), cheaper, OptionalLong.empty())))
                .as("a feed listing is not every agent's").isInstanceOf(NotOwnerException.class);
        assertThat(failure(service.delete(alice, feed.listingKey()))).isInstanceOf(NotOwnerException.class);
        assertThat(await(store.find(mine.listingKey()))).hasValueSatisfying(l -> assertThat(l.version()).isEqualTo(1));

        assertThat(await(service.update(alice, mine.listingKey(), cheaper, OptionalLong.empty())).version()).isEqualTo(2);
        assertThat(await(service.update(broker, mine.listingKey(), cheaper, OptionalLong.empty())).agentKey())
                .as("a broker acts on the owner's behalf; the owner stays").isEqualTo("AGALICE");
        assertThat(await(service.update(admin, feed.listingKey(), cheaper, OptionalLong.empty())).version()).isEqualTo(2);
        assertThat(await(service.delete(broker, feed.listingKey()))).isTrue();
        assertThat(await(service.delete(admin, mine.listingKey()))).isTrue();
    }
}
