package io.auspex.jobs.decode;

import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.util.regex.Pattern;

/**
 * The validation every decoded record passes, whatever its input format. Each check returns the
 * problem (a dead-letter reason and a detail) or null when the record is usable.
 */
public final class RecordChecks {
    static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");

    /** Why a record cannot be used: a machine-readable reason and a human-readable detail. */
    public record Problem(String reason, String detail) {}

    private RecordChecks() {}

    public static Problem span(Span s) {
        if (blank(s.getServiceName())) {
            return new Problem("missing_service", "span " + s.getSpanId() + " has no service_name");
        }
        if (!TRACE_ID.matcher(s.getTraceId()).matches() || !SPAN_ID.matcher(s.getSpanId()).matches()
                || (s.getParentSpanId() != null && !SPAN_ID.matcher(s.getParentSpanId()).matches())) {
            return new Problem("invalid_id", "trace/span ids must be 32/16 lowercase hex chars");
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
        return null;
    }

    public static Problem log(LogRecord l) {
        if (blank(l.getServiceName())) {
            return new Problem("missing_service", "log record has no service_name");
        }
        if ((l.getTraceId() != null && !TRACE_ID.matcher(l.getTraceId()).matches())
                || (l.getSpanId() != null && !SPAN_ID.matcher(l.getSpanId()).matches())) {
            return new Problem("invalid_id", "log trace/span ids must be 32/16 lowercase hex chars when present");
        }
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

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
