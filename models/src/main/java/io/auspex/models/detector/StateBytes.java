package io.auspex.models.detector;

import java.io.EOFException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The byte codec under {@link DetectorState#toBytes()} and {@link DetectorState#fromBytes(byte[])}:
 * big-endian ints, longs, doubles (as {@link Double#doubleToLongBits}) and one-byte booleans,
 * exactly the layout of {@code java.io.DataOutputStream}, without its per-call locking and stream
 * layers (a detector state is read and written on every window in the pipeline).
 */
final class StateBytes {
    /** Big-endian views of a byte array: one access per int or long instead of a loop over its bytes. */
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

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
            INT.set(buf, size, v);
            size += 4;
        }

        void writeLong(long v) {
            ensure(8);
            LONG.set(buf, size, v);
            size += 8;
        }

        void writeDouble(double v) {
            writeLong(Double.doubleToLongBits(v));
        }

        /** The length, then the values (one capacity check for the array). */
        void writeDoubles(double[] values) {
            writeInt(values.length);
            ensure(8 * values.length);
            for (double v : values) {
                LONG.set(buf, size, Double.doubleToLongBits(v));
                size += 8;
            }
        }

        /** The length, then the values (one capacity check for the array). */
        void writeInts(int[] values) {
            writeInt(values.length);
            ensure(4 * values.length);
            for (int v : values) {
                INT.set(buf, size, v);
                size += 4;
            }
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
            int v = (int) INT.get(buf, pos);
            pos += 4;
            return v;
        }

        long readLong() throws EOFException {
            need(8);
            long v = (long) LONG.get(buf, pos);
            pos += 8;
            return v;
        }

        /** {@code n} doubles into a new array (one bounds check for all). */
        double[] readDoubles(int n) throws EOFException {
            if (n < 0 || n > available() / 8) {
                throw new EOFException("detector state ends early");
            }
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = Double.longBitsToDouble((long) LONG.get(buf, pos));
                pos += 8;
            }
            return values;
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
