package io.auspex.jobs.slo;

/**
 * A ring of fixed-length time buckets holding cumulative (total, bad) event counts, so that the
 * sum over any window is two subtractions: O(1) per query and per update, whatever the window.
 *
 * <p>Bucket {@code b} covers {@code [b * bucketMs, (b + 1) * bucketMs)}. The ring keeps the
 * cumulative counts at the end of the last {@code size} buckets up to {@code head}, the newest
 * bucket with data; buckets after {@code head} hold the head's cumulative counts (no data).
 * A window sum weights its oldest, partly covered bucket by the covered fraction (traffic is
 * assumed uniform within a bucket), so at constant traffic window sums are exact.
 *
 * <p>Memory: two {@code long[size]}, 16 bytes per bucket.
 */
public final class CountRing {
    static final long NONE = Long.MIN_VALUE;

    private final long bucketMs;
    private final long[] cumTotal;
    private final long[] cumBad;
    private long head = NONE;

    public CountRing(long bucketMs, int size) {
        if (size < 2) {
            throw new IllegalArgumentException("a ring needs at least 2 buckets, got " + size);
        }
        this.bucketMs = bucketMs;
        this.cumTotal = new long[size];
        this.cumBad = new long[size];
    }

    public long bucketMs() {
        return bucketMs;
    }

    public int size() {
        return cumTotal.length;
    }

    /** Newest bucket with data, or {@link #NONE}. */
    public long head() {
        return head;
    }

    public long bucketOf(long timeMs) {
        return Math.floorDiv(timeMs, bucketMs);
    }

    /**
     * Adds counts to the bucket holding {@code timeMs}. Returns false (and adds nothing) when
     * that bucket is older than the ring keeps.
     */
    public boolean add(long timeMs, long total, long bad) {
        long b = bucketOf(timeMs);
        advance(b);
        if (b <= oldest()) {
            return false;
        }
        for (long x = b; x <= head; x++) {
            int i = index(x);
            cumTotal[i] += total;
            cumBad[i] += bad;
        }
        return true;
    }

    private void advance(long b) {
        if (head == NONE) {
            head = b;
            return;
        }
        if (b <= head) {
            return;
        }
        int hi = index(head);
        long t = cumTotal[hi];
        long k = cumBad[hi];
        long steps = Math.min(b - head, cumTotal.length);
        for (long x = b - steps + 1; x <= b; x++) {
            int i = index(x);
            cumTotal[i] = t;
            cumBad[i] = k;
        }
        head = b;
    }

    private int index(long bucket) {
        return (int) Math.floorMod(bucket, (long) cumTotal.length);
    }

    private long oldest() {
        return head - cumTotal.length + 1;
    }

    /** Cumulative total at the end of bucket b; before the kept range the oldest kept value (no data known). */
    private long cumTotalAt(long b) {
        if (head == NONE) {
            return 0;
        }
        return cumTotal[index(Math.max(Math.min(b, head), oldest()))];
    }

    private long cumBadAt(long b) {
        if (head == NONE) {
            return 0;
        }
        return cumBad[index(Math.max(Math.min(b, head), oldest()))];
    }

    /** Total events in {@code [toMs - windowMs, toMs)}. The ring must hold windowMs / bucketMs + 2 buckets. */
    public double total(long toMs, long windowMs) {
        return sum(toMs, windowMs, true);
    }

    /** Bad events in {@code [toMs - windowMs, toMs)}. */
    public double bad(long toMs, long windowMs) {
        return sum(toMs, windowMs, false);
    }

    private double sum(long toMs, long windowMs, boolean total) {
        long from = toMs - windowMs;
        long first = bucketOf(from);
        long last = bucketOf(toMs - 1);
        long cFirst = total ? cumTotalAt(first) : cumBadAt(first);
        long cLast = total ? cumTotalAt(last) : cumBadAt(last);
        long cBefore = total ? cumTotalAt(first - 1) : cumBadAt(first - 1);
        double covered = (double) ((first + 1) * bucketMs - from) / bucketMs;
        return (cLast - cFirst) + (cFirst - cBefore) * covered;
    }

    /** Events of all buckets after the oldest kept one (the oldest is only the base of the cumulative counts). */
    public long retainedTotal() {
        return cumTotalAt(head) - cumTotalAt(oldest());
    }

    // ---- access for the state codec ----

    /** Cumulative total at the oldest kept bucket: the base the codec stores. */
    long baseTotal() {
        return cumTotalAt(oldest());
    }

    long baseBad() {
        return cumBadAt(oldest());
    }

    /**
     * Writes the counts of the buckets after the oldest kept one, oldest first, into the arrays
     * (length {@code size - 1}): one linear pass, for the state codec.
     */
    void deltas(long[] totals, long[] bads) {
        int n = cumTotal.length;
        int prev = index(oldest());
        for (int j = 0; j < n - 1; j++) {
            int i = prev + 1 == n ? 0 : prev + 1;
            totals[j] = cumTotal[i] - cumTotal[prev];
            bads[j] = cumBad[i] - cumBad[prev];
            prev = i;
        }
    }

    /**
     * Rebuilds a ring of {@code deltaTotals.length + 1} buckets from its head, the cumulative
     * base at its oldest bucket and the counts of the following buckets, oldest first.
     */
    static CountRing restore(long bucketMs, long head, long baseTotal, long baseBad, long[] deltaTotals, long[] deltaBads) {
        CountRing r = new CountRing(bucketMs, deltaTotals.length + 1);
        if (head == NONE) {
            return r;
        }
        r.head = head;
        long t = baseTotal;
        long k = baseBad;
        int n = r.cumTotal.length;
        int i = r.index(r.oldest());
        r.cumTotal[i] = t;
        r.cumBad[i] = k;
        for (int j = 0; j < deltaTotals.length; j++) {
            i = i + 1 == n ? 0 : i + 1;
            t += deltaTotals[j];
            k += deltaBads[j];
            r.cumTotal[i] = t;
            r.cumBad[i] = k;
        }
        return r;
    }

    /** A copy with another number of buckets, keeping the newest buckets that fit. */
    CountRing resized(int newSize) {
        CountRing r = new CountRing(bucketMs, newSize);
        if (head == NONE) {
            return r;
        }
        r.head = head;
        for (long b = r.oldest(); b <= head; b++) {
            r.cumTotal[r.index(b)] = cumTotalAt(b);
            r.cumBad[r.index(b)] = cumBadAt(b);
        }
        return r;
    }
}
