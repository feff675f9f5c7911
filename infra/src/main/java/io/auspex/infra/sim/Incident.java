package io.auspex.infra.sim;

import java.time.Instant;
import java.util.Objects;

/**
 * One injected fault: the ground truth a detector is judged against.
 *
 * @param service the service at fault (the root cause)
 * @param kind what goes wrong
 * @param startMs first event-time millisecond affected (epoch ms, inclusive)
 * @param endMs end of the fault (epoch ms, exclusive)
 * @param magnitude kind-specific strength, see {@link IncidentKind}
 */
public record Incident(String service, IncidentKind kind, long startMs, long endMs, double magnitude) {

    public Incident {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(kind, "kind");
        if (endMs <= startMs) {
            throw new IllegalArgumentException("incident must end after it starts: " + startMs + " .. " + endMs);
        }
        switch (kind) {
            case LATENCY -> {
                if (!(magnitude >= 1.0) || Double.isInfinite(magnitude)) {
                    throw new IllegalArgumentException("LATENCY magnitude is a latency multiplier >= 1, was " + magnitude);
                }
            }
            case NETWORK_DELAY -> {
                if (!(magnitude > 0.0) || Double.isInfinite(magnitude)) {
                    throw new IllegalArgumentException("NETWORK_DELAY magnitude is added milliseconds > 0, was " + magnitude);
                }
            }
            case ERROR_BURST, SATURATION, SILENT_FAULT, MEMORY_PRESSURE -> {
                if (!(magnitude > 0.0 && magnitude <= 1.0)) {
                    throw new IllegalArgumentException(kind + " magnitude must be in (0, 1], was " + magnitude);
                }
            }
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        }
    }

    /** Whether the fault is in effect at this event time. */
    public boolean activeAt(long timeMs) {
        return timeMs >= startMs && timeMs < endMs;
    }

    /**
     * Memory utilization of a MEMORY_PRESSURE fault at this time: from {@code usual} at the start
     * to the magnitude half-way through, then flat; {@code usual} outside the fault.
     */
    public double memoryAt(long timeMs, double usual) {
        if (kind != IncidentKind.MEMORY_PRESSURE || !activeAt(timeMs)) {
            return usual;
        }
        double ramp = Math.min(1.0, (timeMs - startMs) / (0.5 * durationMs()));
        return usual + (Math.max(usual, magnitude) - usual) * ramp;
    }

    /** Length of the fault in milliseconds. */
    public long durationMs() {
        return endMs - startMs;
    }

    @Override
    public String toString() {
        return kind + " in " + service + " x" + magnitude + " [" + Instant.ofEpochMilli(startMs) + ", "
                + Instant.ofEpochMilli(endMs) + ")";
    }
}
