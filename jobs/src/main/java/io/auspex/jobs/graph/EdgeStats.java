package io.auspex.jobs.graph;

/** Calls, errors, total latency and the callers' waits of one caller->callee edge in one window. */
public class EdgeStats {
    public String caller;
    public String callee;
    public long windowEndMs;
    public long calls;
    public long errors;
    public long sumDurationUs;
    /** Sum and count of the calls' caller-side waits beyond the callee's own span ({@link ServiceCall#gapUs}). */
    public long sumGapUs;
    public long gapCount;
    /** Calls whose wait exceeds each step of {@link #GAP_STEPS_MS}, counted exactly (null in records of 0.1.0). */
    public long[] gapOver = new long[GAP_STEPS_MS.length];

    /** The wait ladder, in ms: how many calls waited longer than each step beyond the callee's own span. */
    public static final long[] GAP_STEPS_MS = {50, 100, 200, 500, 1000, 2000, 5000};

    /** Counts one call's wait in the ladder. */
    public void countGap(long gapUs) {
        if (gapOver == null) {
            gapOver = new long[GAP_STEPS_MS.length];
        }
        for (int k = 0; k < GAP_STEPS_MS.length && gapUs > GAP_STEPS_MS[k] * 1000; k++) {
            gapOver[k]++;
        }
    }

    public EdgeStats() {}

    public EdgeStats(String caller, String callee) {
        this.caller = caller;
        this.callee = callee;
    }

    @Override
    public String toString() {
        return caller + "->" + callee + " calls=" + calls + " errors=" + errors + " @" + windowEndMs;
    }
}
