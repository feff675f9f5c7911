package io.auspex.jobs.graph;

/** Calls, errors and total latency of one caller->callee edge in one window. */
public class EdgeStats {
    public String caller;
    public String callee;
    public long windowEndMs;
    public long calls;
    public long errors;
    public long sumDurationUs;

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
