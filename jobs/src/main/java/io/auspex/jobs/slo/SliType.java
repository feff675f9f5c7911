package io.auspex.jobs.slo;

/** What an SLO counts as a good event. */
public enum SliType {
    /** Good = server span without error (status ERROR or HTTP >= 500 is an error, per OpenTelemetry). */
    AVAILABILITY,
    /** Good = server span at or under {@code threshold_ms}. */
    LATENCY
}
