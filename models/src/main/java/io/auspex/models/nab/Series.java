package io.auspex.models.nab;

/**
 * One univariate series read from a {@code timestamp,value} CSV, oldest first.
 *
 * @param timestampsMicros microseconds since the epoch (UTC) of every row
 * @param values the value of every row
 */
public record Series(long[] timestampsMicros, double[] values) {

    public Series {
        if (timestampsMicros.length != values.length) {
            throw new IllegalArgumentException("timestamps and values differ in length: "
                    + timestampsMicros.length + " vs " + values.length);
        }
    }

    public int size() {
        return values.length;
    }

    /** Seconds since the epoch of row {@code i} (the unit the detector takes). */
    public long epochSecond(int i) {
        return Math.floorDiv(timestampsMicros[i], 1_000_000L);
    }
}
