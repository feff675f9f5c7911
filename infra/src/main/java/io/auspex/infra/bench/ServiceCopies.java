package io.auspex.infra.bench;

import io.auspex.infra.sim.MalformedRecord;
import io.auspex.infra.sim.TelemetrySink;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Multiplies the simulated system's services: {@code copies} independent copies of the topology,
 * each service named {@code <service>-<copy>}. Every trace goes whole to one copy (chosen by its
 * trace id), so caller and callee of a span pair stay in the same copy; logs follow their trace
 * (or take turns when they have none); every gauge sample is sent once per copy, as each copy's
 * instances report their own. The spans and logs are the same records, renamed; only the gauges
 * grow with the number of copies. Renames records in place before handing them on.
 */
final class ServiceCopies implements TelemetrySink {
    private final TelemetrySink next;
    private final int copies;
    private final Map<String, String[]> names = new HashMap<>();
    private int nextLogCopy;

    ServiceCopies(TelemetrySink next, int copies, List<String> services) {
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be >= 1, was " + copies);
        }
        this.next = next;
        this.copies = copies;
        int width = Integer.toString(copies - 1).length();
        for (String s : services) {
            String[] n = new String[copies];
            for (int i = 0; i < copies; i++) {
                n[i] = copies == 1 ? s : String.format(Locale.ROOT, "%s-%0" + width + "d", s, i);
            }
            names.put(s, n);
        }
    }

    private String name(String service, int copy) {
        String[] n = names.get(service);
        return n == null ? service : n[copy];
    }

    private int copyOf(CharSequence traceId) {
        return Math.floorMod(traceId.toString().hashCode(), copies);
    }

    @Override
    public void span(Span span) {
        span.setServiceName(name(span.getServiceName(), copyOf(span.getTraceId())));
        next.span(span);
    }

    @Override
    public void metric(MetricPoint metric) {
        if (copies == 1) {
            next.metric(metric);
            return;
        }
        for (int i = 0; i < copies; i++) {
            MetricPoint m = MetricPoint.newBuilder(metric).setServiceName(name(metric.getServiceName(), i)).build();
            next.metric(m);
        }
    }

    @Override
    public void log(LogRecord log) {
        int copy;
        if (log.getTraceId() != null) {
            copy = copyOf(log.getTraceId());
        } else {
            copy = nextLogCopy;
            nextLogCopy = (nextLogCopy + 1) % copies;
        }
        log.setServiceName(name(log.getServiceName(), copy));
        next.log(log);
    }

    @Override
    public void malformed(MalformedRecord record) {
        next.malformed(record);
    }
}
