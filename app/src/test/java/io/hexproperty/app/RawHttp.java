package io.hexproperty.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, for what an HTTP client library hides: partial headers, a chosen source
 * address (127.0.0.x are different clients to the server), and whether the server has closed the connection.
 */
final class RawHttp implements AutoCloseable {
    record Response(int status, String head, String body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }
    }

    final Socket socket;
    private boolean closedByServer;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    /** Connects to 127.0.0.1:port from {@code source} (e.g. 127.0.0.2). */
    static RawHttp connect(int port, String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5_000);
        s.setTcpNoDelay(true);
        return new RawHttp(s);
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** One request on this connection, its whole response read (Content-Length bodies). */
    Response exchange(String method, String path, String contentType, byte[] body, String... headers) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        send(out.toByteArray());
        return read();
    }

    Response read() throws IOException {
        socket.setSoTimeout(30_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before a complete response head: " + head);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(text.substring(9, 12));
        Response partial = new Response(status, text, "");
        String length = partial.header("Content-Length");
        byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length.toLowerCase(Locale.ROOT)));
        return new Response(status, text, new String(body, StandardCharsets.UTF_8));
    }

    /**
     * Whether the server has closed this connection (EOF or reset), looking for at most {@code waitMillis};
     * no data is expected on the connection while this is asked.
     */
    boolean closedByServer(int waitMillis) throws IOException {
        if (closedByServer) {
            return true;
        }
        socket.setSoTimeout(Math.max(1, waitMillis));
        try {
            int b = socket.getInputStream().read();
            if (b < 0) {
                closedByServer = true;
            } else {
                throw new IllegalStateException("unexpected data from the server: " + b);
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            closedByServer = true;
        }
        return closedByServer;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
