package io.hexproperty.testing.browser;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One Chrome DevTools Protocol connection over the JDK's WebSocket client. Commands are
 * correlated with their replies by id; messages without an id are events and go to the
 * listeners. Page commands carry the sessionId of a flat-mode target session, so one socket
 * serves the browser and its page.
 */
final class CdpConnection implements WebSocket.Listener, AutoCloseable {
    private final HttpClient client;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<JsonObject>> listeners = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final Object sendLock = new Object();
    private volatile WebSocket socket;
    private volatile String closedReason;

    private CdpConnection(HttpClient client) {
        this.client = client;
    }

    static CdpConnection open(URI endpoint, Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        CdpConnection connection = new CdpConnection(client);
        try {
            connection.socket = client.newWebSocketBuilder().connectTimeout(timeout)
                    .buildAsync(endpoint, connection).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return connection;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.shutdownNow();
            throw new BrowserException("interrupted while connecting to " + endpoint, e);
        } catch (ExecutionException | TimeoutException e) {
            client.shutdownNow();
            throw new BrowserException("cannot open DevTools WebSocket " + endpoint + " within " + timeout, e);
        }
    }

    void addListener(Consumer<JsonObject> listener) {
        listeners.add(listener);
    }

    void removeListener(Consumer<JsonObject> listener) {
        listeners.remove(listener);
    }

    /** Sends a command and waits for its reply; a protocol error becomes a BrowserException naming the method. */
    JsonObject call(String sessionId, String method, JsonObject params, Duration timeout) {
        long id = ids.incrementAndGet();
        JsonObject message = new JsonObject().put("id", id).put("method", method).put("params", params);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            String reason = closedReason;
            if (reason != null) {
                throw new BrowserException(method + " not sent: DevTools connection closed (" + reason + ")");
            }
            synchronized (sendLock) {
                // The JDK WebSocket allows one outstanding send, so sends are serialised here.
                socket.sendText(message.encode(), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            JsonObject response = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            JsonObject error = response.getJsonObject("error");
            if (error != null) {
                throw new BrowserException(method + " failed: " + error.getString("message")
                        + (error.containsKey("data") ? " (" + error.getValue("data") + ")" : ""));
            }
            JsonObject result = response.getJsonObject("result");
            return result == null ? new JsonObject() : result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrowserException("interrupted while waiting for " + method, e);
        } catch (TimeoutException e) {
            throw new BrowserException(method + " got no reply within " + timeout + " (" + pending.size()
                    + " commands pending)", e);
        } catch (ExecutionException e) {
            throw new BrowserException(method + " failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pending.remove(id);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        // Large replies (screenshots) arrive in fragments; only the listener thread touches partial.
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            dispatch(new JsonObject(text));
        }
        webSocket.request(1);
        return null;
    }

    private void dispatch(JsonObject message) {
        Long id = message.getLong("id");
        if (id != null) {
            CompletableFuture<JsonObject> reply = pending.get(id);
            if (reply != null) {
                reply.complete(message);
            }
            return;
        }
        for (Consumer<JsonObject> listener : listeners) {
            listener.accept(message);
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        failAll("closed by the browser, status " + statusCode + (reason.isEmpty() ? "" : ", " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        failAll("socket error: " + error);
    }

    private void failAll(String reason) {
        closedReason = reason;
        BrowserException closed = new BrowserException("DevTools connection " + reason);
        pending.values().forEach(reply -> reply.completeExceptionally(closed));
    }

    @Override
    public void close() {
        if (closedReason == null) {
            closedReason = "closed by the driver";
        }
        WebSocket s = socket;
        if (s != null) {
            s.abort();
        }
        client.shutdownNow();
    }
}
