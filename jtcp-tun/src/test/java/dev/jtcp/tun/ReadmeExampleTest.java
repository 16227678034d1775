package dev.jtcp.tun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Real networks" Java example, kept working: the same lines against a kernel HTTP server
 * (in a namespace the test makes, where the README uses the host's side of jt0).
 */
@Timeout(60)
class ReadmeExampleTest {
    @Test
    void theReadmeExampleFetchesAPageFromTheKernel() throws Exception {
        try (TunFixture f = TunFixture.start(18, 1500, null)) {
            Process server = f.python("""
                    import http.server
                    class H(http.server.BaseHTTPRequestHandler):
                        def do_GET(self):
                            body = b'hello from the kernel'
                            self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers()
                            self.wfile.write(body)
                    s = http.server.HTTPServer(('%s', 80), H)
                    print('ready', flush=True)
                    s.handle_request()
                    """.formatted(f.kernelAddr));
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(printed, true);
            TunStack stack = f.stack;
            // --- as in README.md (System.out there) ---
            try (Socket s = new JtcpSocket(stack, f.kernelAddr, 80)) {
                s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
                out.println(new String(s.getInputStream().readAllBytes()));
            }
            // ---
            server.waitFor();
            assertThat(printed.toString()).startsWith("HTTP/1.0 200").endsWith("hello from the kernel" + System.lineSeparator());
        }
    }
}
