package io.hexproperty.caching.redis;

import io.hexproperty.domain.ListingChange;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** {@link RedisChangeChannel}: PUBLISH through the pooled endpoint, SUBSCRIBE on one dedicated connection per subscription. */
final class PubSubChangeChannel implements RedisChangeChannel {

    private static final long MIN_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    private final RedisEndpoint endpoint;
    private final String channel;
    private final Redis subscriberClient;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    PubSubChangeChannel(RedisEndpoint endpoint, String channel) {
        this.endpoint = endpoint;
        this.channel = Objects.requireNonNull(channel, "channel");
        if (channel.isBlank()) {
            throw new IllegalArgumentException("channel must not be blank");
        }
        RedisOptions options = new RedisOptions().setType(RedisClientType.STANDALONE)
                .setConnectionString(endpoint.config().endpoints().getFirst()).setMaxPoolSize(1);
        this.subscriberClient = Redis.createClient(endpoint.vertx(), options);
    }

    @Override
    public CompletionStage<Void> publish(ListingChange change) {
        return endpoint.send(Request.cmd(Command.PUBLISH).arg(channel).arg(ChangeText.encode(change)))
                .handle((receivers, error) -> {
                    if (error != null) {
                        endpoint.failed("publish", error);
                    }
                    return null;
                });
    }

    @Override
    public Subscription subscribe(Consumer<ListingChange> onChange, Runnable onReconnect) {
        Subscriber subscriber = new Subscriber(onChange, onReconnect);
        subscribers.add(subscriber);
        subscriber.connect();
        return subscriber;
    }

    @Override
    public Future<Void> close() {
        subscribers.forEach(Subscriber::close);
        return Future.all(subscriberClient.close(), endpoint.close()).mapEmpty();
    }

    private final class Subscriber implements Subscription {

        private final Consumer<ListingChange> onChange;
        private final Runnable onReconnect;
        private volatile boolean closed;
        private volatile RedisConnection connection;
        private volatile boolean everSubscribed;
        private volatile int attempt;

        Subscriber(Consumer<ListingChange> onChange, Runnable onReconnect) {
            this.onChange = onChange;
            this.onReconnect = onReconnect;
        }

        void connect() {
            if (closed) {
                return;
            }
            subscriberClient.connect().onSuccess(conn -> {
                AtomicBoolean lost = new AtomicBoolean();
                conn.handler(this::message);
                conn.exceptionHandler(error -> lost(conn, lost, error));
                conn.endHandler(ignored -> lost(conn, lost, null));
                conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).onSuccess(ok -> subscribed(conn))
                        .onFailure(error -> lost(conn, lost, error));
            }).onFailure(this::retry);
        }

        private void subscribed(RedisConnection conn) {
            if (closed) {
                conn.close();
                return;
            }
            connection = conn;
            attempt = 0;
            if (everSubscribed) {
                // messages published while we were away are gone: the caches must not trust themselves
                onReconnect.run();
            }
            everSubscribed = true;
        }

        private void message(Response response) {
            if (response.size() < 3 || !"message".equals(String.valueOf(response.get(0)))) {
                return;
            }
            ListingChange change;
            try {
                change = ChangeText.decode(response.get(2).toString());
            } catch (RuntimeException e) {
                endpoint.failed("decode", e);
                onReconnect.run();
                return;
            }
            onChange.accept(change);
        }

        private void lost(RedisConnection conn, AtomicBoolean lost, Throwable error) {
            if (!lost.compareAndSet(false, true)) {
                return;
            }
            if (connection == conn) {
                connection = null;
            }
            conn.close();
            retry(error == null ? new IllegalStateException("subscriber connection to " + channel + " closed") : error);
        }

        private void retry(Throwable error) {
            if (closed) {
                return;
            }
            endpoint.failed("subscribe", error);
            long delay = Math.min(MAX_BACKOFF_MILLIS, MIN_BACKOFF_MILLIS << Math.min(attempt++, 6));
            endpoint.vertx().setTimer(delay, id -> connect());
        }

        @Override
        public boolean subscribed() {
            return connection != null;
        }

        @Override
        public void close() {
            closed = true;
            RedisConnection conn = connection;
            connection = null;
            if (conn != null) {
                conn.close();
            }
            subscribers.remove(this);
        }
    }
}
