package io.auspex.jobs.graph;

/** Calls, errors and total latency of one caller->callee edge in one window. */
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
