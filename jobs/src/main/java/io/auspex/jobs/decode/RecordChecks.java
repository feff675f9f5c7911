package io.auspex.jobs.decode;

import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.MetricType;
import io.auspex.schemas.Span;

/**
 * The validation every decoded record passes, whatever its input format. Each check returns the
 * problem (a dead-letter reason and a detail) or null when the record is usable. The configurable
 * limits (lengths, counts, durations, ranges, the service-name policy) come after, in {@link Limits}.
 */
public final class RecordChecks {
    /** Hex characters in a W3C trace id. */
    static final int TRACE_ID = 32;
    /** Hex characters in a W3C span id. */
    static final int SPAN_ID = 16;

    /** Why a record cannot be used: a machine-readable reason and a human-readable detail. */
    public record Problem(String reason, String detail) {}

    private RecordChecks() {}

    public static Problem span(Span s) {
        if (blank(s.getServiceName())) {
            return new Problem("missing_service", "span " + s.getSpanId() + " has no service_name");
        }
        if (!validId(s.getTraceId(), TRACE_ID) || !validId(s.getSpanId(), SPAN_ID)
                || (s.getParentSpanId() != null && !validId(s.getParentSpanId(), SPAN_ID))) {
            return new Problem("invalid_id", "trace/span ids must be 32/16 lowercase hex chars, not all zero");
        }
        if (s.getDurationUs() < 0) {
            return new Problem("negative_duration", "duration_us=" + s.getDurationUs());
        }
        return null;
    }

    public static Problem metric(MetricPoint m) {
        if (blank(m.getServiceName())) {
            return new Problem("missing_service", "metric " + m.getName() + " has no service_name");
        }
        if (!Double.isFinite(m.getValue())) {
            return new Problem("non_finite_value", "metric " + m.getName() + " value=" + m.getValue());
        }
        if (m.getType() == MetricType.HISTOGRAM && !m.getBucketCounts().isEmpty()
                && m.getBucketCounts().size() != m.getBounds().size() + 1) {
            return new Problem("bad_histogram", "metric " + m.getName() + " has " + m.getBucketCounts().size()
                    + " bucket counts for " + m.getBounds().size() + " bounds");
        }
        return null;
    }

    public static Problem log(LogRecord l) {
        if (blank(l.getServiceName())) {
            return new Problem("missing_service", "log record has no service_name");
        }
        // a malformed trace or span id does not make a log unusable: Limits leaves it out and counts it
        return null;
    }

    /** Event time outside [now - max-age, now + max-future-skew]. */
    public static Problem time(long eventTimeMs, long nowMs, long maxFutureSkewMs, long maxAgeMs) {
        if (eventTimeMs > nowMs + maxFutureSkewMs || eventTimeMs < nowMs - maxAgeMs) {
            return new Problem("bad_timestamp",
                    "event time " + eventTimeMs + " is outside [now - max-age, now + max-future-skew]");
        }
        return null;
    }

    /**
     * Exactly {@code length} lowercase hex characters, not all zero (the W3C invalid id). A loop,
     * not a regular expression: it runs for every span and log line (a regex matcher per id was 4 %
     * of the pipeline's CPU in the bench's profile).
     */
    public static boolean validId(String id, int length) {
        if (id == null || id.length() != length) {
            return false;
        }
        boolean nonZero = false;
        for (int i = 0; i < length; i++) {
            char c = id.charAt(i);
            if (c >= '1' && c <= '9' || c >= 'a' && c <= 'f') {
                nonZero = true;
            } else if (c != '0') {
                return false;
            }
        }
        return nonZero;
    }

    /** Null, empty, or only whitespace and space separators (no-break spaces included). */
    static boolean blank(String s) {
        if (s == null) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                return false;
            }
        }
        return true;
    }
}
