package io.auspex.jobs.decode;

import io.auspex.jobs.decode.LimitCounter.Adjustment;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.MetricType;
import io.auspex.schemas.Span;
import java.io.Serializable;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The limits every decoded record is held to, whatever its input format (Avro and OTLP run the
 * same {@link #apply}); options {@code auspex.limits.*}. Stateless. A record over a limit is
 * either still useful and cut (counted with a {@link LimitCounter}), or not, and a dead letter
 * (docs/ingest.md has the table):
 *
 * <ul>
 *   <li>service name: the key of all state, so never cut (a cut could merge two services) and
 *       never repaired: longer than {@code maxServiceNameLength}, or holding a control, format
 *       (bidi overrides, zero-width) or line/paragraph separator character, an unpaired surrogate
 *       or U+FFFD (what invalid UTF-8 decodes to), is {@code invalid_service};
 *   <li>span, metric, attribute-key, unit and severity-text lengths ({@code maxNameLength}),
 *       attribute values ({@code maxAttributeValueLength}) and log bodies
 *       ({@code maxLogBodyLength}): cut, never inside a surrogate pair;
 *   <li>attribute count: the first {@code maxAttributes} keys in key order are kept (so the
 *       choice, and a metric series' identity, does not depend on arrival order);
 *   <li>span duration over {@code maxSpanDurationUs}: {@code implausible_duration};
 *   <li>a utilization gauge (one of {@code utilizationGauges}, or named {@code *.utilization} /
 *       {@code *_utilization}) below 0 or above {@code maxUtilization}: {@code out_of_range}
 *       (the semantic conventions define them as ratios in [0, 1]; percent up to 100 is read too);
 *   <li>a log's trace or span id that is not 32 / 16 lowercase hex characters (or all zero): the id is left
 *       out and counted, the log is kept (its severity still counts); a bad trace id takes the
 *       span id with it.
 * </ul>
 */
public record Limits(int maxServiceNameLength, int maxNameLength, int maxAttributeValueLength, int maxAttributes,
        int maxLogBodyLength, long maxSpanDurationUs, double maxUtilization, Set<String> utilizationGauges)
        implements Serializable {

    public static final Limits DEFAULTS = new Limits(256, 1024, 1024, 128, 16 * 1024, 3_600_000_000L, 100.0,
            io.auspex.jobs.signals.SaturationGauges.DEFAULT);

    public Limits {
        utilizationGauges = Set.copyOf(utilizationGauges);
        if (maxServiceNameLength < 1 || maxNameLength < 1 || maxAttributeValueLength < 1 || maxAttributes < 0
                || maxLogBodyLength < 0 || maxSpanDurationUs < 0 || !(maxUtilization > 0)) {
            throw new IllegalArgumentException("limits must be positive: " + this);
        }
    }

    /**
     * Holds {@code t} (a decoded span, metric point or log that passed {@link RecordChecks}) to the
     * limits: cuts what is over a length or count limit in place, counting each cut, and returns
     * the problem when the record cannot be used, else null.
     */
    public RecordChecks.Problem apply(Telemetry t, LimitCounter counter) {
        RecordChecks.Problem p = service(t.service());
        if (p != null) {
            return p;
        }
        if (t.span != null) {
            return span(t.span, counter);
        } else if (t.metric != null) {
            return metric(t.metric, counter);
        } else if (t.log != null) {
            log(t.log, counter);
        }
        return null;
    }

    /** The service-name policy: null when {@code s} may be a service name. */
    public RecordChecks.Problem service(String s) {
        if (s.length() > maxServiceNameLength) {
            return new RecordChecks.Problem("invalid_service", "service name of " + s.length()
                    + " characters, over auspex.limits.max-service-name-length " + maxServiceNameLength
                    + ": " + truncate(s, 64) + "...");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String bad = null;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                bad = "an unpaired surrogate";
            } else if (Character.isLowSurrogate(c)) {
                bad = "an unpaired surrogate";
            } else if (c == '\uFFFD') {
                bad = "U+FFFD (invalid UTF-8 on the wire?)";
            } else {
                int type = Character.getType(c);
                if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                        || type == Character.PARAGRAPH_SEPARATOR) {
                    bad = String.format("the control or format character U+%04X", (int) c);
                }
            }
            if (bad != null) {
                return new RecordChecks.Problem("invalid_service", "service name holds " + bad + " at index " + i);
            }
        }
        return null;
    }

    private RecordChecks.Problem span(Span s, LimitCounter counter) {
        if (s.getDurationUs() > maxSpanDurationUs) {
            return new RecordChecks.Problem("implausible_duration", "duration_us=" + s.getDurationUs()
                    + " is over auspex.limits.max-span-duration (" + maxSpanDurationUs + " us)");
        }
        s.setName(cut(s.getName(), maxNameLength, Adjustment.SPAN_NAME, counter));
        s.setAttributes(attributes(s.getAttributes(), counter));
        return null;
    }

    private RecordChecks.Problem metric(MetricPoint m, LimitCounter counter) {
        String name = m.getName();
        if (m.getType() == MetricType.GAUGE && isUtilization(name)
                && (m.getValue() < 0 || m.getValue() > maxUtilization)) {
            return new RecordChecks.Problem("out_of_range", "utilization gauge " + truncate(name, 256) + " value="
                    + m.getValue() + " is outside [0, " + maxUtilization + "]");
        }
        m.setName(cut(name, maxNameLength, Adjustment.METRIC_NAME, counter));
        m.setUnit(cut(m.getUnit(), maxNameLength, Adjustment.UNIT, counter));
        m.setAttributes(attributes(m.getAttributes(), counter));
        return null;
    }

    private void log(LogRecord l, LimitCounter counter) {
        l.setBody(cut(l.getBody(), maxLogBodyLength, Adjustment.LOG_BODY, counter));
        l.setSeverityText(cut(l.getSeverityText(), maxNameLength, Adjustment.SEVERITY_TEXT, counter));
        if (l.getTraceId() != null && !RecordChecks.validId(l.getTraceId(), RecordChecks.TRACE_ID)) {
            l.setTraceId(null);
            l.setSpanId(null);
            counter.count(Adjustment.LOG_ID);
        } else if (l.getSpanId() != null && !RecordChecks.validId(l.getSpanId(), RecordChecks.SPAN_ID)) {
            l.setSpanId(null);
            counter.count(Adjustment.LOG_ID);
        }
        l.setAttributes(attributes(l.getAttributes(), counter));
    }

    /** Is {@code metric} a utilization ratio the semantic conventions bound to [0, 1]? */
    public boolean isUtilization(String metric) {
        return utilizationGauges.contains(metric) || metric.endsWith(".utilization") || metric.endsWith("_utilization");
    }

    /** {@code attrs} when within the limits (no copy), else the first {@link #maxAttributes} keys in key order, cut. */
    Map<String, String> attributes(Map<String, String> attrs, LimitCounter counter) {
        boolean within = attrs.size() <= maxAttributes;
        if (within) {
            for (Map.Entry<String, String> e : attrs.entrySet()) {
                if (e.getKey().length() > maxNameLength
                        || (e.getValue() != null && e.getValue().length() > maxAttributeValueLength)) {
                    within = false;
                    break;
                }
            }
        }
        if (within) {
            return attrs;
        }
        if (attrs.size() > maxAttributes) {
            counter.count(Adjustment.ATTRIBUTES);
        }
        boolean keyCut = false;
        boolean valueCut = false;
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(attrs).entrySet()) {
            if (out.size() >= maxAttributes) {
                break;
            }
            String k = e.getKey();
            String v = e.getValue();
            if (k.length() > maxNameLength) {
                k = truncate(k, maxNameLength);
                keyCut = true;
            }
            if (v != null && v.length() > maxAttributeValueLength) {
                v = truncate(v, maxAttributeValueLength);
                valueCut = true;
            }
            out.putIfAbsent(k, v);
        }
        if (keyCut) {
            counter.count(Adjustment.ATTRIBUTE_KEY);
        }
        if (valueCut) {
            counter.count(Adjustment.ATTRIBUTE_VALUE);
        }
        return new java.util.HashMap<>(out);
    }

    private static String cut(String s, int max, Adjustment a, LimitCounter counter) {
        if (s == null || s.length() <= max) {
            return s;
        }
        counter.count(a);
        return truncate(s, max);
    }

    /** {@code s} cut to at most {@code max} chars, never between the two halves of a surrogate pair. */
    public static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
