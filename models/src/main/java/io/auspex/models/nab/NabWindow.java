package io.auspex.models.nab;

/**
 * One labelled anomaly window, both ends inclusive, as microseconds since the epoch (UTC).
 *
 * @param startMicros the timestamp of the window's first row
 * @param endMicros the timestamp of the window's last row
 */
public record NabWindow(long startMicros, long endMicros) {

    public NabWindow {
        if (endMicros < startMicros) {
            throw new IllegalArgumentException("window ends before it starts");
        }
    }

    /** Parses the two timestamps of a {@code combined_windows.json} entry. */
    public static NabWindow parse(String start, String end) {
        return new NabWindow(Timestamps.parseMicros(start), Timestamps.parseMicros(end));
    }
}
