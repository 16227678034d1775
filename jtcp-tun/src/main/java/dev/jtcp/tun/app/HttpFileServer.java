package dev.jtcp.tun.app;

import dev.jtcp.tun.TunSocket;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A small static HTTP/1.1 file server over one connection (RFC 9112): GET and HEAD of the files under a
 * root directory, with Content-Length, persistent connections (HTTP/1.1's default; "Connection: close"
 * ends them; HTTP/1.0 closes unless it asks for keep-alive), 404 for what is not there, 400 for a
 * malformed request, 405 for other methods. Paths cannot leave the root.
 */
public final class HttpFileServer implements Server.Handler {
    private static final int MAX_HEAD = 16 * 1024;
    private final Path root;

    public HttpFileServer(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public void serve(TunSocket c) throws IOException {
        InputStream in = new BufferedInputStream(c.getInputStream(), 16 * 1024);
        OutputStream out = c.getOutputStream();
        while (true) {
            String head = readHead(in);
            if (head == null) {
                break;   // the client closed between requests
            }
            if (!respond(head, in, out)) {
                break;
            }
        }
        c.shutdownOutput();
    }

    /** The request head up to the empty line; null at a clean end of stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        int state = 0;
        while (true) {
            int ch = in.read();
            if (ch < 0) {
                if (b.size() == 0) {
                    return null;
                }
                throw new IOException("end of stream inside a request head");
            }
            if (b.size() == 0 && (ch == '\r' || ch == '\n') && state == 0) {
                continue;   // RFC 9112 2.2: ignore empty lines before a request line
            }
            b.write(ch);
            if (b.size() > MAX_HEAD) {
                return "";
            }
            state = switch (state) {
                case 0 -> ch == '\r' ? 1 : ch == '\n' ? 2 : 0;
                case 1 -> ch == '\n' ? 2 : 0;
                case 2 -> ch == '\r' ? 3 : ch == '\n' ? 4 : 0;
                case 3 -> ch == '\n' ? 4 : 0;
                default -> state;
            };
            if (state == 4) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** Answers one request; false when the connection must close after it. */
    private boolean respond(String head, InputStream in, OutputStream out) throws IOException {
        String[] lines = head.split("\r?\n");
        String[] req = lines[0].split(" ");
        if (head.isEmpty() || req.length != 3 || !req[2].startsWith("HTTP/1.")) {
            send(out, 400, "Bad Request", "close", "bad request\n", false);
            return false;
        }
        String method = req[0];
        boolean http11 = req[2].equals("HTTP/1.1");
        String connection = null;
        long bodyLength = 0;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("connection")) {
                connection = value.toLowerCase(Locale.ROOT);
            } else if (name.equals("content-length")) {
                try {
                    bodyLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    send(out, 400, "Bad Request", "close", "bad Content-Length\n", false);
                    return false;
                }
            } else if (name.equals("transfer-encoding")) {
                send(out, 400, "Bad Request", "close", "request bodies with Transfer-Encoding are not accepted\n", false);
                return false;
            }
        }
        in.skipNBytes(bodyLength);
        boolean keep = http11 ? !"close".equals(connection) : "keep-alive".equals(connection);
        String conn = keep ? (http11 ? null : "keep-alive") : "close";
        boolean headOnly = method.equals("HEAD");
        if (!method.equals("GET") && !headOnly) {
            send(out, 405, "Method Not Allowed", conn, "only GET and HEAD\n", false);
            return keep;
        }
        Path file = resolve(req[1]);
        if (file == null || !Files.isRegularFile(file) || !Files.isReadable(file)) {
            send(out, 404, "Not Found", conn, "not found: " + req[1] + "\n", headOnly);
            return keep;
        }
        long size = Files.size(file);
        StringBuilder h = new StringBuilder(256)
                .append("HTTP/1.1 200 OK\r\n")
                .append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n")
                .append("Server: jtcp\r\n")
                .append("Content-Type: ").append(contentType(file)).append("\r\n")
                .append("Content-Length: ").append(size).append("\r\n");
        if (conn != null) {
            h.append("Connection: ").append(conn).append("\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!headOnly) {
            try (InputStream f = Files.newInputStream(file)) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = f.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                }
            }
        }
        return keep;
    }

    /** The file for a request target, or null when it is malformed or leaves the root. */
    private Path resolve(String target) {
        int q = target.indexOf('?');
        String p = q >= 0 ? target.substring(0, q) : target;
        if (!p.startsWith("/")) {
            return null;
        }
        try {
            p = URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (p.indexOf('\0') >= 0) {
            return null;
        }
        Path f = root.resolve(p.substring(1)).normalize();
        if (!f.startsWith(root)) {
            return null;
        }
        if (Files.isDirectory(f)) {
            f = f.resolve("index.html");
        }
        return f;
    }

    private static String contentType(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".html") || n.endsWith(".htm")) {
            return "text/html; charset=utf-8";
        }
        if (n.endsWith(".txt")) {
            return "text/plain; charset=utf-8";
        }
        if (n.endsWith(".json")) {
            return "application/json";
        }
        return "application/octet-stream";
    }

    private static void send(OutputStream out, int code, String reason, String conn, String body, boolean headOnly) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(128).append("HTTP/1.1 ").append(code).append(' ').append(reason).append("\r\n")
                .append("Server: jtcp\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ").append(b.length).append("\r\n");
        if (conn != null) {
            h.append("Connection: ").append(conn).append("\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!headOnly) {
            out.write(b);
        }
    }
}
