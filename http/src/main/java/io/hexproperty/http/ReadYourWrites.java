package io.hexproperty.http;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Read-your-writes across nodes: every write response carries a consistency token (a database
 * position at or after its commit) in {@value #HEADER}; a read that sends it back is answered from a
 * database node that has applied it, never from a cache that might not have seen the write yet.
 */
public interface ReadYourWrites {
    String HEADER = "X-Consistency-Token";

    /** A token at or after every write this node has committed so far. */
    CompletionStage<String> tokenAfterWrite();

    /**
     * The listing as of at least {@code token}.
     *
     * @throws IllegalArgumentException when the token is malformed (the message names the header)
     */
    CompletionStage<Optional<Listing>> find(ListingKey key, String token);
}
