package io.auspex.jobs.graph;

/** One call from one service to another, seen as a server span whose parent span belongs to another service. */
public class ServiceCall {
    public String caller;
    public String callee;
    public boolean error;
    public long durationUs;
    public long timeMs;
    /**
     * The caller's wait beyond the callee's own work: the duration of the caller's span that is
     * the parent (its CLIENT span) minus the callee's SERVER span, in µs (network and queueing in
     * front of the callee); -1 when unknown.
     */
    public long gapUs = -1;
    /**
     * A failure of a call already counted, learnt later from the caller's ERROR log line that
     * follows it (the spans said nothing of it): it counts as a failed call, not as another call
     * ({@link CallErrorLogs}).
     */
    public boolean failureOnly;

    public ServiceCall() {}

    public ServiceCall(String caller, String callee, boolean error, long durationUs, long timeMs) {
        this.caller = caller;
        this.callee = callee;
        this.error = error;
        this.durationUs = durationUs;
        this.timeMs = timeMs;
    }

    public ServiceCall(String caller, String callee, boolean error, long durationUs, long timeMs, long gapUs) {
        this(caller, callee, error, durationUs, timeMs);
        this.gapUs = gapUs;
    }

    /** A failure of an earlier call of {@code caller -> callee}, learnt from the caller's log line. */
    static ServiceCall failure(String caller, String callee, long timeMs) {
        ServiceCall c = new ServiceCall(caller, callee, true, 0, timeMs);
        c.failureOnly = true;
        return c;
    }

    public String edge() {
        return caller + "->" + callee;
    }

    @Override
    public String toString() {
        return edge() + (failureOnly ? " failed (from its log)@" + timeMs
                : (error ? " error " : " ok ") + durationUs + "us@" + timeMs);
    }
}
