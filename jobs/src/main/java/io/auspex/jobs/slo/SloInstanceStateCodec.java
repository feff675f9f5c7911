package io.auspex.jobs.slo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Versioned binary form of {@link SloInstanceState}, what the Flink operator keeps in keyed state
 * (a {@code byte[]}, so no Kryo and no schema coupling to Flink).
 *
 * <p>Version 1: {@code byte 1}, identity (UTF), firstDataMs, lastEvalMs, lastEventMs, statusMinute
 * (longs), two rings (minute then hour), each {@code int size, long head, long baseTotal,
 * long baseBad} then {@code size - 1} pairs of per-bucket (total, bad) as unsigned var-longs,
 * then {@code int rules} and per rule tier (UTF), firing (boolean), startsAtMs, clearSinceMs.
 * Bucket counts are small numbers, so a 30-day SLO instance takes a few KB.
 */
public final class SloInstanceStateCodec {
    static final byte VERSION = 1;

    private SloInstanceStateCodec() {}

    public static byte[] encode(SloInstanceState s) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeUTF(s.identity);
            out.writeLong(s.firstDataMs);
            out.writeLong(s.lastEvalMs);
            out.writeLong(s.lastEventMs);
            out.writeLong(s.statusMinute);
            writeRing(out, s.minutes);
            writeRing(out, s.hours);
            out.writeInt(s.rules.size());
            for (SloInstanceState.RuleState r : s.rules) {
                out.writeUTF(r.tier);
                out.writeBoolean(r.firing);
                out.writeLong(r.startsAtMs);
                out.writeLong(r.clearSinceMs);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode SLO instance state", e);
        }
    }

    public static SloInstanceState decode(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            byte v = in.readByte();
            if (v != VERSION) {
                throw new IllegalStateException("unknown SLO instance state version " + v + " (this build reads " + VERSION + ")");
            }
            String identity = in.readUTF();
            SloInstanceState s = new SloInstanceState(identity, 2, 2);
            s.firstDataMs = in.readLong();
            s.lastEvalMs = in.readLong();
            s.lastEventMs = in.readLong();
            s.statusMinute = in.readLong();
            s.minutes = readRing(in, Durations.MINUTE_MS);
            s.hours = readRing(in, Durations.HOUR_MS);
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                SloInstanceState.RuleState r = new SloInstanceState.RuleState(in.readUTF());
                r.firing = in.readBoolean();
                r.startsAtMs = in.readLong();
                r.clearSinceMs = in.readLong();
                s.rules.add(r);
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode SLO instance state", e);
        }
    }

    private static void writeRing(DataOutputStream out, CountRing r) throws IOException {
        out.writeInt(r.size());
        out.writeLong(r.head());
        out.writeLong(r.baseTotal());
        out.writeLong(r.baseBad());
        if (r.head() == CountRing.NONE) {
            return;
        }
        for (long b = r.head() - r.size() + 2; b <= r.head(); b++) {
            writeVarLong(out, r.bucketTotal(b));
            writeVarLong(out, r.bucketBad(b));
        }
    }

    private static CountRing readRing(DataInputStream in, long bucketMs) throws IOException {
        int size = in.readInt();
        long head = in.readLong();
        long baseTotal = in.readLong();
        long baseBad = in.readLong();
        long[] totals = new long[size - 1];
        long[] bads = new long[size - 1];
        if (head != CountRing.NONE) {
            for (int j = 0; j < size - 1; j++) {
                totals[j] = readVarLong(in);
                bads[j] = readVarLong(in);
            }
        }
        return CountRing.restore(bucketMs, head, baseTotal, baseBad, totals, bads);
    }

    private static void writeVarLong(DataOutputStream out, long v) throws IOException {
        if (v < 0) {
            throw new IllegalStateException("negative bucket count " + v);
        }
        long x = v;
        while ((x & ~0x7FL) != 0) {
            out.writeByte((int) ((x & 0x7F) | 0x80));
            x >>>= 7;
        }
        out.writeByte((int) x);
    }

    private static long readVarLong(DataInputStream in) throws IOException {
        long v = 0;
        int shift = 0;
        while (true) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
            shift += 7;
            if (shift > 63) {
                throw new IOException("var-long too long");
            }
        }
    }
}
