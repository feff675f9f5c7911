package io.auspex.jobs.signals;

import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.MetricType;
import java.util.Map;
import java.util.TreeMap;

/**
 * The newest point of one cumulative series (a monotonic counter or a histogram with CUMULATIVE
 * temporality): what the next point is subtracted from to get an increase. A Flink POJO (keyed
 * state of the signals window, no Kryo).
 */
public class SeriesPoint {
    public String name;
    public String unit;
    public boolean histogram;
    public boolean error;
    public long timeMs;
    public long startMs;
    public double value;
    public long count;
    public double[] bounds;
    public long[] buckets;

    public SeriesPoint() {}

    static SeriesPoint of(MetricPoint m) {
        SeriesPoint p = new SeriesPoint();
        p.name = m.getName();
        p.unit = m.getUnit();
        p.histogram = m.getType() == MetricType.HISTOGRAM;
        p.error = m.getError();
        p.timeMs = m.getTimeMs();
        p.startMs = m.getStartTimeMs();
        p.value = m.getValue();
        p.count = m.getCount();
        p.bounds = m.getBounds().stream().mapToDouble(Double::doubleValue).toArray();
        p.buckets = m.getBucketCounts().stream().mapToLong(Long::longValue).toArray();
        return p;
    }

    /** The series a point belongs to: its name and every attribute (resource ones included, so each instance is its own series). */
    static String seriesKey(MetricPoint m) {
        StringBuilder sb = new StringBuilder(m.getName());
        for (Map.Entry<String, String> e : new TreeMap<>(m.getAttributes()).entrySet()) {
            sb.append('\u0000').append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    /**
     * What happened between {@code previous} and this point: the difference, or this point whole
     * when the series was reset in between (a later start time, or a count or sum that went down).
     */
    SeriesPoint since(SeriesPoint previous) {
        boolean restarted = (startMs > 0 && previous.startMs > 0 && startMs > previous.startMs)
                || value < previous.value || count < previous.count
                || (histogram && buckets.length != previous.buckets.length);
        if (restarted) {
            return this;
        }
        SeriesPoint d = copy();
        d.value = value - previous.value;
        d.count = count - previous.count;
        for (int i = 0; i < buckets.length; i++) {
            d.buckets[i] = Math.max(0, buckets[i] - previous.buckets[i]);
        }
        return d;
    }

    SeriesPoint copy() {
        SeriesPoint c = new SeriesPoint();
        c.name = name;
        c.unit = unit;
        c.histogram = histogram;
        c.error = error;
        c.timeMs = timeMs;
        c.startMs = startMs;
        c.value = value;
        c.count = count;
        c.bounds = bounds.clone();
        c.buckets = buckets.clone();
        return c;
    }
}
