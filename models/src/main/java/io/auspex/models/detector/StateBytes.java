package io.auspex.models.detector;

import java.io.EOFException;
import java.util.Arrays;

/**
 * The byte codec under {@link DetectorState#toBytes()} and {@link DetectorState#fromBytes(byte[])}:
 * big-endian ints, longs, doubles (as {@link Double#doubleToLongBits}) and one-byte booleans,
 * exactly the layout of {@code java.io.DataOutputStream}, without its per-call locking and stream
 * layers (a detector state is read and written on every window in the pipeline).
 */
final class StateBytes {

    private StateBytes() {
    }

    /** A growing big-endian writer. */
    static final class Writer {

        private byte[] buf;
        private int size;

        Writer(int capacity) {
            this.buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        void writeInt(int v) {
            ensure(4);
            buf[size++] = (byte) (v >>> 24);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void writeLong(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        void writeDouble(double v) {
            writeLong(Double.doubleToLongBits(v));
        }

        void writeBoolean(boolean v) {
            ensure(1);
            buf[size++] = (byte) (v ? 1 : 0);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }

    /** A big-endian reader over a byte array; reading past the end throws {@link EOFException}. */
    static final class Reader {

        private final byte[] buf;
        private int pos;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        /** Bytes left. */
        int available() {
            return buf.length - pos;
        }

        private void need(int n) throws EOFException {
            if (buf.length - pos < n) {
                throw new EOFException("detector state ends early");
            }
        }

        int readInt() throws EOFException {
            need(4);
            int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                    | (buf[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        long readLong() throws EOFException {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (buf[pos + i] & 0xffL);
            }
            pos += 8;
            return v;
        }

        double readDouble() throws EOFException {
            return Double.longBitsToDouble(readLong());
        }

        boolean readBoolean() throws EOFException {
            need(1);
            return buf[pos++] != 0;
        }
    }
}
