package io.auspex.models.nab;

/**
 * One univariate series read from a {@code timestamp,value} CSV, in file order (normally oldest
 * first; see {@link #disorder()}).
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

    /**
     * How far the rows are from strict time order: rows stamped earlier than the latest timestamp
     * before them, and rows stamped exactly at it.
     */
    public TimeDisorder disorder() {
        int backward = 0;
        int repeated = 0;
        long latest = Long.MIN_VALUE;
        for (int i = 0; i < timestampsMicros.length; i++) {
            long t = timestampsMicros[i];
            if (i > 0 && t < latest) {
                backward++;
            } else if (i > 0 && t == latest) {
                repeated++;
            }
            latest = Math.max(latest, t);
        }
        return new TimeDisorder(backward, repeated);
    }

    /** Seconds since the epoch of row {@code i} (the unit the detector takes). */
    public long epochSecond(int i) {
        return Math.floorDiv(timestampsMicros[i], 1_000_000L);
    }
}
