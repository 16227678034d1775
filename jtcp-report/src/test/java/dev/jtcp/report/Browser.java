package dev.jtcp.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Headless Chromium driven over its DevTools protocol (a WebSocket, with the JDK's own client), so that
 * tests can open a rendered file, ask the page what it actually laid out (elements, their boxes) and take
 * a screenshot. One browser serves a whole test class. No network: the pages are local files and the
 * browser is started with its background traffic switched off.
 */
final class Browser implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final Path profile;
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final StringBuilder log = new StringBuilder();

    /** The Chromium executable, if installed (JTCP_CHROMIUM overrides the search of PATH). */
    static Optional<Path> executable() {
        String env = System.getenv("JTCP_CHROMIUM");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return Optional.of(Path.of(env));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    static Browser start(Path exe) throws IOException, InterruptedException {
        return new Browser(exe);
    }

    private Browser(Path exe) throws IOException, InterruptedException {
        profile = Files.createTempDirectory("jtcp-chromium-");
        List<String> cmd = List.of(exe.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
                "--force-device-scale-factor=1", "--window-size=1280,1024", "--remote-allow-origins=*",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank");
        process = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (String line; (line = err.readLine()) != null; ) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the browser went away
            }
            url.completeExceptionally(new IOException("chromium exited without a DevTools address:\n" + log));
        });
        String browserUrl;
        try {
            browserUrl = url.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("chromium did not start: " + e.getMessage() + "\n" + log, e);
        }
        // The first page's own endpoint, from the HTTP listing beside the browser's.
        URI base = URI.create(browserUrl.replace("ws://", "http://"));
        HttpClient http = HttpClient.newHttpClient();
        String pageUrl = null;
        for (int attempt = 0; attempt < 50 && pageUrl == null; attempt++) {
            String listing = http.send(HttpRequest.newBuilder(base.resolve("/json/list")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (Object o : (List<?>) Json.parse(listing)) {
                Map<String, Object> t = Json.object(o);
                if ("page".equals(t.get("type"))) {
                    pageUrl = (String) t.get("webSocketDebuggerUrl");
                    break;
                }
            }
            if (pageUrl == null) {
                Thread.sleep(100);
            }
        }
        if (pageUrl == null) {
            close();
            throw new IOException("chromium has no page target");
        }
        ws = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), new Listener()).join();
    }

    /** Collects text frames into messages and completes the call each answer belongs to. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buf = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            buf.append(data);
            if (last) {
                Map<String, Object> msg = Json.object(Json.parse(buf.toString()));
                buf.setLength(0);
                if (msg.get("id") instanceof Double id) {
                    CompletableFuture<Map<String, Object>> f = pending.remove(id.intValue());
                    if (f != null) {
                        f.complete(msg);
                    }
                }
            }
            socket.request(1);
            return null;
        }
    }

    /** One DevTools call; its result object. */
    Map<String, Object> call(String method, String paramsJson) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
        pending.put(id, f);
        ws.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}", true).join();
        Map<String, Object> msg = f.get(30, TimeUnit.SECONDS);
        if (msg.get("error") != null) {
            throw new IllegalStateException(method + " failed: " + msg.get("error"));
        }
        return Json.object(msg.get("result"));
    }

    /** Opens a local file and waits until it has loaded (scripts run, layout done). */
    void open(Path file) throws Exception {
        call("Page.navigate", "{\"url\":" + Json.quote(file.toUri().toString()) + "}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"complete".equals(eval("document.readyState")) || !file.toUri().toString().equals(eval("document.URL"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("page did not load: " + file);
            }
            Thread.sleep(20);
        }
    }

    /** Evaluates JavaScript in the page (promises awaited); its value, or an exception with the page's error. */
    Object eval(String js) throws Exception {
        Map<String, Object> r = call("Runtime.evaluate", "{\"expression\":" + Json.quote(js)
                + ",\"returnByValue\":true,\"awaitPromise\":true}");
        if (r.get("exceptionDetails") != null) {
            Map<String, Object> d = Json.object(r.get("exceptionDetails"));
            Object ex = d.get("exception") == null ? null : Json.object(d.get("exception")).get("description");
            throw new IllegalStateException("script failed: " + (ex != null ? ex : d.get("text")));
        }
        return Json.object(r.get("result")).get("value");
    }

    /** A PNG of the whole page (up to 16000 px each way), written to {@code file} too. */
    byte[] screenshot(Path file) throws Exception {
        Map<String, Object> size = Json.object(Json.parse((String) eval(
                "JSON.stringify({w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight})")));
        int w = (int) Math.min(16000, Math.max(1, (Double) size.get("w")));
        int h = (int) Math.min(16000, Math.max(1, (Double) size.get("h")));
        call("Emulation.setDeviceMetricsOverride", "{\"width\":" + w + ",\"height\":" + h + ",\"deviceScaleFactor\":1,\"mobile\":false}");
        Map<String, Object> r = call("Page.captureScreenshot", "{\"format\":\"png\"}");
        call("Emulation.clearDeviceMetricsOverride", "{}");
        byte[] png = Base64.getDecoder().decode((String) r.get("data"));
        Files.createDirectories(file.getParent());
        Files.write(file, png);
        return png;
    }

    @Override
    public void close() {
        try {
            if (ws != null) {
                ws.abort();
            }
        } catch (RuntimeException e) {
            // closing anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> walk = Files.walk(profile)) {
            List<Path> all = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // a temporary profile left behind is harmless (Chromium's helpers may still be removing files
            // while the walk runs, which surfaces as an unchecked NoSuchFileException)
        }
    }
}
