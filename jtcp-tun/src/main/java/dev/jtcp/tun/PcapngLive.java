package dev.jtcp.tun;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A pcapng capture of what crosses a TUN device, written as it happens: one interface (LINKTYPE_RAW,
 * packets start at the IP header), each packet an Enhanced Packet Block with its direction (epb_flags)
 * and a microsecond wall-clock timestamp. Not thread-safe: the driver calls it under its lock.
 */
final class PcapngLive implements AutoCloseable {
    private static final int LINKTYPE_RAW = 101;
    private final OutputStream out;
    private final ByteBuffer hdr = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    private boolean closed;

    private PcapngLive(OutputStream out) {
        this.out = out;
    }

    static PcapngLive open(Path file, String ifName) throws TunException {
        try {
            PcapngLive p = new PcapngLive(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
            p.header(ifName);
            return p;
        } catch (IOException e) {
            throw new TunException("cannot write --pcap " + file + ": " + e.getMessage());
        }
    }

    private void header(String ifName) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        // Section Header Block: byte-order magic, version 1.0, section length unknown.
        b.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L).putInt(28);
        out.write(b.array());
        byte[] name = ifName.getBytes(StandardCharsets.UTF_8);
        int namePad = (name.length + 3) & ~3;
        int len = 20 + 4 + namePad + 4;
        ByteBuffer i = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        // Interface Description Block with if_name (option 2) and the end of options.
        i.putInt(1).putInt(len).putShort((short) LINKTYPE_RAW).putShort((short) 0).putInt(0);
        i.putShort((short) 2).putShort((short) name.length).put(name);
        for (int k = name.length; k < namePad; k++) {
            i.put((byte) 0);
        }
        i.putInt(0).putInt(len);
        out.write(i.array());
    }

    /** One packet; inbound is kernel to jtcp. */
    void write(byte[] pkt, int off, int len, boolean inbound) {
        if (closed) {
            return;
        }
        Instant now = Instant.now();
        long us = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        int pad = (len + 3) & ~3;
        int total = 28 + pad + 12 + 4;
        try {
            hdr.clear();
            hdr.putInt(6).putInt(total).putInt(0).putInt((int) (us >>> 32)).putInt((int) us).putInt(len).putInt(len);
            out.write(hdr.array(), 0, 28);
            out.write(pkt, off, len);
            for (int k = len; k < pad; k++) {
                out.write(0);
            }
            hdr.clear();
            // epb_flags (option 2): direction in bits 0-1, 1 = inbound, 2 = outbound.
            hdr.putShort((short) 2).putShort((short) 4).putInt(inbound ? 1 : 2).putInt(0).putInt(total);
            out.write(hdr.array(), 0, 16);
        } catch (IOException e) {
            closed = true;   // the capture stops; the stack goes on
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            // nothing more to write anyway
        }
    }
}
