package io.auspex.models.detector;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The saved state of a {@link StreamingDetector}: its configuration and every statistic it has
 * learned, nothing else. A valid Flink POJO (public no-arg constructor, public non-final fields of
 * primitives and primitive arrays) so a keyed operator can hold it in {@code ValueState} without
 * Kryo, and also a compact versioned byte form ({@link #toBytes()}, {@link #fromBytes(byte[])}).
 *
 * <p>Size is bounded by the configuration: {@code seasonBuckets} doubles and ints plus a few dozen
 * numbers (about 770 bytes with the defaults), whatever the length of the series.
 */
public class DetectorState {

    /**
     * The version this code writes. Version 2 added {@link #calibrationOutlier}; version 1 bytes
     * and POJOs are still read (the flags start false).
     */
    public static final int CURRENT_VERSION = 2;

    private static final int MAGIC = 0x41555344; // "AUSD"

    public int version = CURRENT_VERSION;

    // configuration (see DetectorConfig)
    public int warmupRows;
    public double levelAlpha;
    public double scaleAlpha;
    public double longAlpha;
    public int seasonBuckets;
    public double seasonAlpha;
    public int calibrationRows;
    public int noveltyRows;
    public double halfScoreSurprise;

    // learned statistics
    public long rows;
    public double level;
    public double levelScale;
    public double longMean;
    public double longAbsDev;
    public double seasonScale;
    public double[] seasonMean;
    public int[] seasonCount;
    public double[] calibrationMean;
    public double[] calibrationVar;
    public long[] calibrationCount;
    /** Per component: was the previous row an outlier of its calibration (since version 2). */
    public boolean[] calibrationOutlier;
    public double peakSurprise;

    public DetectorState() {
    }

    /**
     * The compact byte form: magic, {@link #CURRENT_VERSION}, then every field in declaration
     * order (a state still at an older version is written in the current layout).
     */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + 12 * seasonBuckets);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(CURRENT_VERSION);
            out.writeInt(warmupRows);
            out.writeDouble(levelAlpha);
            out.writeDouble(scaleAlpha);
            out.writeDouble(longAlpha);
            out.writeInt(seasonBuckets);
            out.writeDouble(seasonAlpha);
            out.writeInt(calibrationRows);
            out.writeInt(noveltyRows);
            out.writeDouble(halfScoreSurprise);
            out.writeLong(rows);
            out.writeDouble(level);
            out.writeDouble(levelScale);
            out.writeDouble(longMean);
            out.writeDouble(longAbsDev);
            out.writeDouble(seasonScale);
            writeDoubles(out, seasonMean);
            out.writeInt(seasonCount.length);
            for (int c : seasonCount) {
                out.writeInt(c);
            }
            writeDoubles(out, calibrationMean);
            writeDoubles(out, calibrationVar);
            out.writeInt(calibrationCount.length);
            for (long c : calibrationCount) {
                out.writeLong(c);
            }
            out.writeDouble(peakSurprise);
            boolean[] outliers = calibrationOutlier != null ? calibrationOutlier : new boolean[calibrationCount.length];
            out.writeInt(outliers.length);
            for (boolean b : outliers) {
                out.writeBoolean(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /** Throws unless this code can read states of {@code version}. */
    static void requireKnownVersion(int version) {
        if (version < 1 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("unknown detector state version " + version
                    + "; this code reads versions 1 to " + CURRENT_VERSION);
        }
    }

    /**
     * Reads the byte form of this or an earlier version; the result is always a current-version
     * state.
     *
     * @throws IllegalArgumentException if the bytes are not a detector state, or were written by
     *     a version this code does not know
     */
    public static DetectorState fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a detector state (bad magic number)");
            }
            int version = in.readInt();
            requireKnownVersion(version);
            DetectorState s = new DetectorState();
            s.version = CURRENT_VERSION;
            s.warmupRows = in.readInt();
            s.levelAlpha = in.readDouble();
            s.scaleAlpha = in.readDouble();
            s.longAlpha = in.readDouble();
            s.seasonBuckets = in.readInt();
            s.seasonAlpha = in.readDouble();
            s.calibrationRows = in.readInt();
            s.noveltyRows = in.readInt();
            s.halfScoreSurprise = in.readDouble();
            s.rows = in.readLong();
            s.level = in.readDouble();
            s.levelScale = in.readDouble();
            s.longMean = in.readDouble();
            s.longAbsDev = in.readDouble();
            s.seasonScale = in.readDouble();
            s.seasonMean = readDoubles(in);
            s.seasonCount = new int[readLength(in)];
            for (int i = 0; i < s.seasonCount.length; i++) {
                s.seasonCount[i] = in.readInt();
            }
            s.calibrationMean = readDoubles(in);
            s.calibrationVar = readDoubles(in);
            s.calibrationCount = new long[readLength(in)];
            for (int i = 0; i < s.calibrationCount.length; i++) {
                s.calibrationCount[i] = in.readLong();
            }
            s.peakSurprise = in.readDouble();
            if (version >= 2) {
                s.calibrationOutlier = new boolean[readLength(in)];
                for (int i = 0; i < s.calibrationOutlier.length; i++) {
                    s.calibrationOutlier[i] = in.readBoolean();
                }
            } else {
                s.calibrationOutlier = new boolean[s.calibrationCount.length];
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("detector state has " + in.available() + " trailing bytes");
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated detector state", e);
        }
    }

    private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        double[] values = new double[readLength(in)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }

    private static int readLength(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IllegalArgumentException("corrupt detector state (array length " + length + ")");
        }
        return length;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DetectorState s)) {
            return false;
        }
        return version == s.version && warmupRows == s.warmupRows && levelAlpha == s.levelAlpha
                && scaleAlpha == s.scaleAlpha && longAlpha == s.longAlpha
                && seasonBuckets == s.seasonBuckets && seasonAlpha == s.seasonAlpha
                && calibrationRows == s.calibrationRows && noveltyRows == s.noveltyRows
                && halfScoreSurprise == s.halfScoreSurprise && rows == s.rows
                && Double.compare(level, s.level) == 0 && Double.compare(levelScale, s.levelScale) == 0
                && Double.compare(longMean, s.longMean) == 0 && Double.compare(longAbsDev, s.longAbsDev) == 0 && Double.compare(seasonScale, s.seasonScale) == 0
                && Arrays.equals(seasonMean, s.seasonMean) && Arrays.equals(seasonCount, s.seasonCount)
                && Arrays.equals(calibrationMean, s.calibrationMean) && Arrays.equals(calibrationVar, s.calibrationVar)
                && Arrays.equals(calibrationCount, s.calibrationCount)
                && Arrays.equals(calibrationOutlier, s.calibrationOutlier)
                && Double.compare(peakSurprise, s.peakSurprise) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, rows, level, longMean, Arrays.hashCode(seasonMean), peakSurprise);
    }
}
