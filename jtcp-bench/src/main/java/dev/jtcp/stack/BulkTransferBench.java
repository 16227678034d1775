package dev.jtcp.stack;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.time.Deadline;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.Ipv4Addr;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The steady state of a bulk transfer between two jtcp stacks wired back to back (no loss, no delay,
 * tracing off, checksums offloaded as on the simulator's fast path and Linux's loopback), driven by a
 * single-threaded loop: one operation is one MSS of data moved from the sender's write() to the
 * receiver's read(), with its share of the ACKs. Run with {@code -prof gc}: {@code gc.alloc.rate.norm}
 * is then the bytes allocated per MSS segment.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BulkTransferBench {
    /** MSS-sized segments per invocation. */
    private static final int SEGMENTS = 64;
    /** The IPv4 and TCP headers with the timestamps option (Linux's usual data segment). */
    private static final int HEADERS = 20 + 20 + 12;

    /** Link MTU: Ethernet's, and the largest an IPv4 packet can use on the kernel loopback's 65536. */
    @Param({"1500", "65535"})
    int mtu;

    /** Packet buffers, handed over to the receiving stack, which gives them back once done (as in the simulator). */
    private final PacketPool pool = new PacketPool();
    private NetStack client;
    private NetStack server;
    private final ArrayDeque<byte[]> toServer = new ArrayDeque<>();
    private final ArrayDeque<byte[]> toClient = new ArrayDeque<>();
    private TcpSocket sender;
    private TcpSocket receiver;
    private byte[] data;
    private byte[] readBuf;
    private long now;

    @Setup(Level.Trial)
    public void setup() {
        client = NetStack.builder("client").address("10.0.0.1").seed(1).mtu(mtu).checksumOffload(true)
                .packetPool(pool).sink((from, p) -> toServer.add(p)).build();
        server = NetStack.builder("server").address("10.0.0.2").seed(1).mtu(mtu).checksumOffload(true)
                .packetPool(pool).sink((from, p) -> toClient.add(p)).build();
        TcpSocket listener = TcpSocket.open(server);
        listener.bind(new Endpoint(0, 5001));
        listener.listen(16);
        sender = TcpSocket.open(client);
        sender.connect(new Endpoint(Ipv4Addr.parse("10.0.0.2"), 5001));
        while (receiver == null) {
            if (!step()) {
                throw new IllegalStateException("handshake stalled");
            }
            receiver = listener.accept();
        }
        data = new byte[SEGMENTS * (mtu - HEADERS)];
        readBuf = new byte[65536];
        // Past slow start and the receive buffer's auto-tuning before anything is measured.
        for (int i = 0; i < 2000; i++) {
            transfer();
        }
    }

    /** Moves SEGMENTS MSS of data from the sender's write() to the receiver's read(). */
    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public long transfer() {
        int written = 0;
        long read = 0;
        while (read < data.length) {
            if (written < data.length) {
                int w = sender.write(data, written, data.length - written);
                if (w > 0) {
                    written += w;
                }
            }
            int r;
            while ((r = receiver.read(readBuf, 0, readBuf.length)) > 0) {
                read += r;
            }
            if (read < data.length && !step()) {
                throw new IllegalStateException("transfer stalled at " + read + " of " + data.length + " bytes");
            }
        }
        return read;
    }

    /**
     * One step of the loop: every packet in flight is delivered, or, with none, time moves to the next
     * timer (a delayed ACK). False when nothing is in flight and nothing is due.
     */
    private boolean step() {
        if (!toServer.isEmpty() || !toClient.isEmpty()) {
            byte[] p;
            while ((p = toServer.poll()) != null) {
                server.receiveSkb(now, p);
            }
            while ((p = toClient.poll()) != null) {
                client.receiveSkb(now, p);
            }
            return true;
        }
        long d = Math.min(client.nextDeadlineNs(), server.nextDeadlineNs());
        if (d == Deadline.NONE) {
            return false;
        }
        now = Math.max(now, d);
        client.advanceTo(now);
        server.advanceTo(now);
        return true;
    }
}
