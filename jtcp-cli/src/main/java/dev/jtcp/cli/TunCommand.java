package dev.jtcp.cli;

import dev.jtcp.sys.Sysctl;
import dev.jtcp.tun.TunException;
import dev.jtcp.tun.TunSocket;
import dev.jtcp.tun.TunStack;
import dev.jtcp.tun.app.HttpFileServer;
import dev.jtcp.tun.app.Server;
import dev.jtcp.wire.Ipv4Addr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** jtcp tun: a jtcp stack on a Linux TUN device, running a small server or a netcat-like client. */
@Command(name = "tun", mixinStandardHelpOptions = true,
        description = "Run jtcp on a Linux TUN device (needs CAP_NET_ADMIN): an echo, discard or HTTP server, or a "
                + "netcat-like client. Each stops cleanly on SIGINT/SIGTERM (connections closed, device removed).",
        subcommands = {TunCommand.Echo.class, TunCommand.Discard.class, TunCommand.Http.class, TunCommand.Connect.class})
final class TunCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @ParentCommand
    Main main;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The options every tun command takes. */
    static final class Common {
        @Option(names = "--dev", paramLabel = "NAME", defaultValue = "jt0",
                description = "The TUN device, created if missing and removed on exit (default: ${DEFAULT-VALUE}).")
        String dev;

        @Option(names = "--host-addr", paramLabel = "CIDR", defaultValue = "10.77.0.1/24",
                description = "The address of the kernel's side of the device, with its prefix (default: ${DEFAULT-VALUE}).")
        String hostAddr;

        @Option(names = "--addr", paramLabel = "ADDR", defaultValue = "10.77.0.2",
                description = "jtcp's own address on that subnet (default: ${DEFAULT-VALUE}).")
        String addr;

        @Option(names = "--mtu", paramLabel = "N", defaultValue = "1500", description = "The device MTU, 68..65535 (default: ${DEFAULT-VALUE}).")
        int mtu;

        @Option(names = "--netns", paramLabel = "NAME",
                description = "Move the device into this existing network namespace (ip netns) before configuring it.")
        String netns;

        @Option(names = "--txqueuelen", paramLabel = "N", defaultValue = "4000",
                description = "Packets the kernel queues for jtcp to read (default: ${DEFAULT-VALUE}; 0: the kernel's 500, which "
                        + "auto-tuned windows overflow in bursts).")
        int txQueueLen;

        @Option(names = "--pcap", paramLabel = "FILE", description = "Capture what crosses the device in pcapng.")
        Path pcap;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "A Linux setting for the jtcp stack, e.g. net.ipv4.tcp_syn_retries=3 (repeatable).")
        List<String> settings = new ArrayList<>();

        @Option(names = "--offload", negatable = true,
                description = "Checksum and segmentation offload on the device (IFF_VNET_HDR, TUN_F_CSUM | TUN_F_TSO4): 64 KiB "
                        + "packets each way. --offload fails if the kernel refuses it; --no-offload: one packet per segment "
                        + "(default: on when the kernel accepts it).")
        Boolean offload;

        TunStack.Config config() {
            if (mtu < 68 || mtu > 65535) {
                throw new Main.UsageError("--mtu: " + mtu + " is out of range; accepted: 68..65535", null);
            }
            int slash = hostAddr.indexOf('/');
            int hostPrefix;
            try {
                if (slash < 0) {
                    throw new IllegalArgumentException("a prefix length is needed");
                }
                Ipv4Addr.parse(hostAddr.substring(0, slash));
                hostPrefix = Integer.parseInt(hostAddr.substring(slash + 1));
                if (hostPrefix < 1 || hostPrefix > 30) {
                    throw new IllegalArgumentException("prefix length must be 1..30");
                }
            } catch (IllegalArgumentException e) {
                throw new Main.UsageError("--host-addr: '" + hostAddr + "' is not accepted (" + e.getMessage()
                        + "); expected an IPv4 address with its prefix, e.g. 10.77.0.1/24", null);
            }
            int a;
            try {
                a = Ipv4Addr.parse(addr);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageError("--addr: '" + addr + "' is not an IPv4 address, e.g. 10.77.0.2", null);
            }
            int h = Ipv4Addr.parse(hostAddr.substring(0, slash));
            int mask = -1 << (32 - hostPrefix);
            if ((a & mask) != (h & mask) || a == h) {
                throw new Main.UsageError("--addr: " + addr + " must be another address on " + hostAddr
                        + "'s subnet (the kernel reaches jtcp through the device's route)", null);
            }
            Sysctl sysctl = new Sysctl();
            for (String s : settings) {
                try {
                    if (s.indexOf('=') <= 0) {
                        throw new IllegalArgumentException("expected KEY=VALUE (e.g. net.ipv4.tcp_syn_retries=3), got '" + s + "'");
                    }
                    sysctl.apply(s);
                } catch (IllegalArgumentException e) {
                    throw new Main.UsageError("--set " + e.getMessage(), null);
                }
            }
            if (txQueueLen < 0) {
                throw new Main.UsageError("--txqueuelen: " + txQueueLen + " is out of range; accepted: 0 and up", null);
            }
            return new TunStack.Config(dev, netns, hostAddr, addr, mtu, sysctl, pcap, txQueueLen, offloadMode(offload));
        }
    }

    /** --offload / --no-offload / neither. */
    static TunStack.Offload offloadMode(Boolean offload) {
        return offload == null ? TunStack.Offload.AUTO : offload ? TunStack.Offload.ON : TunStack.Offload.OFF;
    }

    /** Starts the stack and stops it cleanly on SIGINT/SIGTERM (shutdown hook) or when body returns. */
    static int runOnStack(Common c, PrintWriter err, Body body) {
        TunStack.Config cfg = c.config();
        TunStack stack;
        try {
            stack = TunStack.start(cfg);
        } catch (IOException e) {
            err.println("jtcp: " + e.getMessage());
            return 1;
        }
        java.util.concurrent.atomic.AtomicBoolean signalled = new java.util.concurrent.atomic.AtomicBoolean();
        Thread hook = new Thread(() -> {
            signalled.set(true);
            stack.shutdown(2000);
        }, "jtcp-tun-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.run(stack);
        } catch (IOException e) {
            if (signalled.get()) {
                return 0;   // SIGINT/SIGTERM: the sockets were closed on purpose
            }
            IOException f = stack.failure();
            err.println("jtcp: " + (f != null ? f.getMessage() : e.getMessage()));
            return 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                stack.shutdown(2000);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already stopping the stack
            }
        }
    }

    @FunctionalInterface
    interface Body {
        int run(TunStack stack) throws IOException;
    }

    static int serve(Common c, int port, String what, PrintWriter out, PrintWriter err, Server.Handler handler) {
        return runOnStack(c, err, stack -> {
            Server server = Server.listen(stack, InetAddress.getByName("0.0.0.0"), port, 128, handler);
            out.println("jtcp tun " + what + ": listening on " + c.addr + ":" + server.listener().localAddress().getPort()
                    + " (device " + stack.deviceName() + (c.netns != null ? " in netns " + c.netns : "")
                    + ", offload " + (stack.offload() ? "on" : "off") + ", kernel side " + c.hostAddr + ")");
            out.flush();
            server.run();
            IOException f = stack.failure();
            if (f != null) {
                throw f;
            }
            return 0;
        });
    }

    @Command(name = "echo", mixinStandardHelpOptions = true, description = "An echo server (RFC 862): bytes come back.")
    static final class Echo implements Callable<Integer> {
        @ParentCommand
        TunCommand parent;
        @Mixin
        Common common;
        @Option(names = "--port", paramLabel = "N", defaultValue = "7", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
        int port;

        @Override
        public Integer call() {
            var cl = parent.spec.commandLine();
            return serve(common, port, "echo", cl.getOut(), cl.getErr(), Server::echo);
        }
    }

    @Command(name = "discard", mixinStandardHelpOptions = true, description = "A discard server (RFC 863): bytes are dropped.")
    static final class Discard implements Callable<Integer> {
        @ParentCommand
        TunCommand parent;
        @Mixin
        Common common;
        @Option(names = "--port", paramLabel = "N", defaultValue = "9", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
        int port;

        @Override
        public Integer call() {
            var cl = parent.spec.commandLine();
            return serve(common, port, "discard", cl.getOut(), cl.getErr(), Server::discard);
        }
    }

    @Command(name = "http", mixinStandardHelpOptions = true,
            description = "A static HTTP/1.1 file server: GET and HEAD of the files under --root, keep-alive, 404.")
    static final class Http implements Callable<Integer> {
        @ParentCommand
        TunCommand parent;
        @Mixin
        Common common;
        @Option(names = "--port", paramLabel = "N", defaultValue = "80", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
        int port;
        @Option(names = "--root", paramLabel = "DIR", defaultValue = ".", description = "The directory served (default: the current one).")
        Path root;

        @Override
        public Integer call() {
            if (!Files.isDirectory(root)) {
                throw new Main.UsageError("--root: " + root + " is not a directory", null);
            }
            var cl = parent.spec.commandLine();
            return serve(common, port, "http", cl.getOut(), cl.getErr(), new HttpFileServer(root));
        }
    }

    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = "Connect to HOST PORT and copy standard input to the connection and the connection to standard "
                    + "output, like nc (end of input: our FIN; ends when the peer has closed its side).")
    static final class Connect implements Callable<Integer> {
        @ParentCommand
        TunCommand parent;
        @Mixin
        Common common;
        @Parameters(index = "0", paramLabel = "HOST", description = "IPv4 address to connect to (e.g. the --host-addr address).")
        String host;
        @Parameters(index = "1", paramLabel = "PORT", description = "Port to connect to.")
        int port;
        @Option(names = "--timeout", paramLabel = "MS", defaultValue = "0",
                description = "Give up connecting after MS milliseconds (default: TCP's own SYN retries).")
        int timeoutMs;

        @Override
        public Integer call() {
            int dst;
            try {
                dst = Ipv4Addr.parse(host);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageError("HOST: '" + host + "' is not an IPv4 address", null);
            }
            if (port < 1 || port > 65535) {
                throw new Main.UsageError("PORT: " + port + " is out of range; accepted: 1..65535", null);
            }
            var cl = parent.spec.commandLine();
            OutputStream stdout = parent.main.rawStdout() != null ? parent.main.rawStdout() : System.out;
            return runOnStack(common, cl.getErr(), stack -> {
                TunSocket s = TunSocket.open(stack);
                s.connect(new InetSocketAddress(InetAddress.getByName(Ipv4Addr.format(dst)), port), timeoutMs);
                cl.getErr().println("jtcp tun connect: connected " + common.addr + ":" + s.localAddress().getPort()
                        + " -> " + host + ":" + port);
                cl.getErr().flush();
                Thread pump = Thread.ofVirtual().start(() -> {
                    try (InputStream stdin = System.in) {
                        byte[] buf = new byte[65536];
                        int n;
                        while ((n = stdin.read(buf)) >= 0) {
                            s.write(buf, 0, n);
                        }
                        s.shutdownOutput();
                    } catch (IOException e) {
                        // the connection is gone: the reader below reports it
                    }
                });
                byte[] buf = new byte[65536];
                InputStream in = s.getInputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    stdout.write(buf, 0, n);
                }
                stdout.flush();
                pump.interrupt();
                s.close();
                return 0;
            });
        }
    }
}
