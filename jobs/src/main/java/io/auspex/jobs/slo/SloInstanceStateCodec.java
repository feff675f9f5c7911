package io.auspex.jobs.slo;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Versioned binary form of {@link SloInstanceState}, what the Flink operator keeps in keyed state
 * (a {@code byte[]}, so no Kryo and no schema coupling to Flink).
 *
 * <p>Version 1: {@code byte 1}, identity (UTF), firstDataMs, lastEvalMs, lastEventMs, statusMinute
 * (longs), two rings (minute then hour), each {@code int size, long head, long baseTotal,
 * long baseBad} then {@code size - 1} pairs of per-bucket (total, bad) as unsigned var-longs,
 * then {@code int rules} and per rule tier (UTF), firing (byte), startsAtMs, clearSinceMs.
 * Integers are big-endian, strings a 2-byte length and UTF-8 (the layout of
 * {@code DataOutputStream} for ASCII text).
 * Bucket counts are small numbers, so a 30-day SLO instance takes a few KB.
 */
public final class SloInstanceStateCodec {
    static final byte VERSION = 1;

    private SloInstanceStateCodec() {}

    public static byte[] encode(SloInstanceState s) {
        Writer out = new Writer(64 + 3 * 2 * (s.minutes.size() + s.hours.size()));
        out.writeByte(VERSION);
        out.writeUtf(s.identity);
        out.writeLong(s.firstDataMs);
        out.writeLong(s.lastEvalMs);
        out.writeLong(s.lastEventMs);
        out.writeLong(s.statusMinute);
        writeRing(out, s.minutes);
        writeRing(out, s.hours);
        out.writeInt(s.rules.size());
        for (SloInstanceState.RuleState r : s.rules) {
            out.writeUtf(r.tier);
            out.writeByte(r.firing ? 1 : 0);
            out.writeLong(r.startsAtMs);
            out.writeLong(r.clearSinceMs);
        }
        return out.toByteArray();
    }

    public static SloInstanceState decode(byte[] data) {
        Reader in = new Reader(data);
        byte v = in.readByte();
        if (v != VERSION) {
            throw new IllegalStateException("unknown SLO instance state version " + v + " (this build reads " + VERSION + ")");
        }
        String identity = in.readUtf();
        SloInstanceState s = new SloInstanceState(identity, 2, 2);
        s.firstDataMs = in.readLong();
        s.lastEvalMs = in.readLong();
        s.lastEventMs = in.readLong();
        s.statusMinute = in.readLong();
        s.minutes = readRing(in, Durations.MINUTE_MS);
        s.hours = readRing(in, Durations.HOUR_MS);
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            SloInstanceState.RuleState r = new SloInstanceState.RuleState(in.readUtf());
            r.firing = in.readByte() != 0;
            r.startsAtMs = in.readLong();
            r.clearSinceMs = in.readLong();
            s.rules.add(r);
        }
        return s;
    }

    private static void writeRing(Writer out, CountRing r) {
        out.writeInt(r.size());
        out.writeLong(r.head());
        out.writeLong(r.baseTotal());
        out.writeLong(r.baseBad());
        if (r.head() == CountRing.NONE) {
            return;
        }
        long[] totals = new long[r.size() - 1];
        long[] bads = new long[r.size() - 1];
        r.deltas(totals, bads);
        for (int j = 0; j < totals.length; j++) {
            out.writeVarLong(totals[j]);
            out.writeVarLong(bads[j]);
        }
    }

    private static CountRing readRing(Reader in, long bucketMs) {
        int size = in.readInt();
        long head = in.readLong();
        long baseTotal = in.readLong();
        long baseBad = in.readLong();
        long[] totals = new long[size - 1];
        long[] bads = new long[size - 1];
        if (head != CountRing.NONE) {
            for (int j = 0; j < size - 1; j++) {
                totals[j] = in.readVarLong();
                bads[j] = in.readVarLong();
            }
        }
        return CountRing.restore(bucketMs, head, baseTotal, baseBad, totals, bads);
    }

    /** Big-endian writer over a growing array (same layout as {@link java.io.DataOutputStream}, UTF as 2-byte length + UTF-8). */
    private static final class Writer {
        private byte[] buf;
        private int pos;

        Writer(int capacity) {
            buf = new byte[capacity];
        }

        private void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        void writeByte(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        void writeInt(int v) {
            ensure(4);
            for (int sh = 24; sh >= 0; sh -= 8) {
                buf[pos++] = (byte) (v >>> sh);
            }
        }

        void writeLong(long v) {
            ensure(8);
            for (int sh = 56; sh >= 0; sh -= 8) {
                buf[pos++] = (byte) (v >>> sh);
            }
        }

        void writeUtf(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > 0xFFFF) {
                throw new IllegalStateException("string too long for the SLO state: " + b.length + " bytes");
            }
            ensure(2 + b.length);
            buf[pos++] = (byte) (b.length >>> 8);
            buf[pos++] = (byte) b.length;
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        void writeVarLong(long v) {
            if (v < 0) {
                throw new IllegalStateException("negative bucket count " + v);
            }
            ensure(10);
            long x = v;
            while ((x & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((x & 0x7F) | 0x80);
                x >>>= 7;
            }
            buf[pos++] = (byte) x;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /** Reader matching {@link Writer}; a truncated array fails with a clear message. */
    private static final class Reader {
        private final byte[] buf;
        private int pos;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        private void need(int n) {
            if (pos + n > buf.length) {
                throw new IllegalStateException("truncated SLO instance state (" + buf.length + " bytes)");
            }
        }

        byte readByte() {
            need(1);
            return buf[pos++];
        }

        int readInt() {
            need(4);
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v = (v << 8) | (buf[pos++] & 0xFF);
            }
            return v;
        }

        long readLong() {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (buf[pos++] & 0xFF);
            }
            return v;
        }

        String readUtf() {
            need(2);
            int n = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
            pos += 2;
            need(n);
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        long readVarLong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                need(1);
                int b = buf[pos++] & 0xFF;
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalStateException("var-long too long in SLO instance state");
        }
    }
}
