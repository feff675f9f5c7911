package io.auspex.models.evidence;

/**
 * The state {@link CountEvidence} keeps for one service: decayed counts of the baselines, their
 * dispersion factors, and the accumulated evidence. A plain object with public fields and a no-arg
 * constructor, so a Flink job can keep it as POJO state (fields may be added in later releases;
 * Flink's POJO serializer reads the older shape).
 */
public class CountEvidenceState {
    /** Windows seen. */
    public long windows;
    /** Requests seen (not decayed): the binomial tests wait for {@link CountEvidence.Config#minRequests()}. */
    public long requestsSeen;
    /** Decayed number of requests (trials of the error and latency tests). */
    public double requests;
    /** Decayed number of error requests. */
    public double errors;
    /** Dispersion factor of the error count (variance over binomial variance; 1 = binomial). */
    public double errorDispersion = 1.0;
    /** Decayed number of windows (exposure of the error-log rate). */
    public double logWindows;
    /** Decayed number of error log lines. */
    public double errorLogs;
    /** Dispersion factor of the error-log count (variance over mean; 1 = Poisson). */
    public double logDispersion = 1.0;
    /** Decayed number of requests slower than each latency step of the ladder. */
    public double[] over;
    /** Dispersion factor of each step's count. */
    public double[] overDispersion;
    /**
     * The counts of the last windows, a ring: per window requests, errors, error logs and the
     * requests over each ladder step ({@code 3 + steps} longs), for the scan over several windows.
     */
    public long[] recent;
    /** End of each window in {@link #recent}. */
    public long[] recentEndMs;
    /** Per window in {@link #recent}: whether it was surprising (it then teaches the baselines slowly) and had a latency ladder. */
    public int[] recentFlags;
    /** Windows held in {@link #recent} (up to its depth). */
    public int recentFill;
    /** Slot of {@link #recent} the next window goes to. */
    public int recentNext;
    /** Ids of the error log templates followed (at most {@link CountEvidence#MAX_TEMPLATES}; null entries are free). */
    public String[] templateIds;
    /** Decayed error lines of each followed template. */
    public double[] templateErrors;
    /** Error lines of each followed template in each window of the ring, {@code [template * depth + slot]}. */
    public int[] templateRecent;
    /** Accumulated evidence (a CUSUM of window surprises less the drift), in {@code -log10} units. */
    public double cusum;
    /** End of the first window of the current accumulation (0 while {@link #cusum} is 0). */
    public long onsetMs;

    public CountEvidenceState() {}
}
