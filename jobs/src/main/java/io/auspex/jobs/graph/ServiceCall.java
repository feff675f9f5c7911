package io.auspex.jobs.graph;

/** One call from one service to another, seen as a server span whose parent span belongs to another service. */
public class ServiceCall {
    public String caller;
    public String callee;
    public boolean error;
    public long durationUs;
    public long timeMs;

    public ServiceCall() {}

    public ServiceCall(String caller, String callee, boolean error, long durationUs, long timeMs) {
        this.caller = caller;
        this.callee = callee;
        this.error = error;
        this.durationUs = durationUs;
        this.timeMs = timeMs;
    }

    public String edge() {
        return caller + "->" + callee;
    }

    @Override
    public String toString() {
        return edge() + (error ? " error " : " ok ") + durationUs + "us@" + timeMs;
    }
}
