package io.auspex.jobs.slo;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written in the SLO file and in labels: {@code 30s}, {@code 5m}, {@code 6h}, {@code 30d}. */
public final class Durations {
    public static final long SECOND_MS = 1_000L;
    public static final long MINUTE_MS = 60_000L;
    public static final long HOUR_MS = 3_600_000L;
    public static final long DAY_MS = 86_400_000L;

    private static final Pattern SHAPE = Pattern.compile("([0-9]{1,9})(s|m|h|d)");

    private Durations() {}

    /** Parses {@code <integer><s|m|h|d>}; returns milliseconds, or -1 when the text has another shape. */
    public static long parseMs(String text) {
        Matcher m = SHAPE.matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "s": return n * SECOND_MS;
            case "m": return n * MINUTE_MS;
            case "h": return n * HOUR_MS;
            default: return n * DAY_MS;
        }
    }

    /** The shortest exact form: {@code 3d}, {@code 6h}, {@code 5m}, {@code 90s}, else {@code <n>ms}. */
    public static String format(long ms) {
        if (ms > 0 && ms % DAY_MS == 0) {
            return ms / DAY_MS + "d";
        }
        if (ms > 0 && ms % HOUR_MS == 0) {
            return ms / HOUR_MS + "h";
        }
        if (ms > 0 && ms % MINUTE_MS == 0) {
            return ms / MINUTE_MS + "m";
        }
        if (ms > 0 && ms % SECOND_MS == 0) {
            return ms / SECOND_MS + "s";
        }
        return ms + "ms";
    }
}
