package io.auspex.infra.sim;

/** The three input streams, one Kafka topic each (see {@link TelemetryTopics}). */
public enum TelemetryStream {
    SPANS,
    METRICS,
    LOGS
}
