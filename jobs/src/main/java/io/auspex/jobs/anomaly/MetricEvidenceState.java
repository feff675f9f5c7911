package io.auspex.jobs.anomaly;

/**
 * The metrics {@link MetricEvidence} follows for one service, one entry per metric in parallel
 * arrays (at most {@code auspex.anomaly.metric-evidence.max-metrics} entries): which metric, and its
 * baseline. A Flink POJO (keyed state {@code metric-evidence} of {@link EvidenceFunction}); fields
 * may be added in later releases, Flink's POJO serializer reads the older shape.
 *
 * <p><b>Cleared</b>: an entry when its metric has had no new sample for the idle time (the
 * service's retire-after, at the service's next window), which frees its place for another
 * metric; the whole state when the service retires, and it is not written for a service that
 * sends no followed metric.
 */
public class MetricEvidenceState {
    /** Metric names, as in {@code ServiceSignals.gauges} or {@code counters}. */
    public String[] names = new String[0];
    /** Per entry: a counter (judged by its increase per window) rather than a gauge. */
    public boolean[] counter = new boolean[0];
    /** New samples learned. */
    public long[] samples = new long[0];
    /** Exponentially weighted mean of the samples. */
    public double[] mean = new double[0];
    /** Exponentially weighted mean absolute deviation from {@link #mean}. */
    public double[] dev = new double[0];
    /** Every sample so far was a whole number (a count: the absolute floor is then 1). */
    public boolean[] integral = new boolean[0];
    /** The newest sample (a counter's is scored again in the windows after it until the carry time). */
    public double[] last = new double[0];
    /** End of the window of the newest sample. */
    public long[] lastSampleMs = new long[0];

    public MetricEvidenceState() {}

    /** Entries followed. */
    public int size() {
        return names == null ? 0 : names.length;
    }
}
