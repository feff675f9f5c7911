package io.auspex.models.detector;

import java.util.Arrays;

/**
 * The last stage (since state version 8): a score that repeats is not news.
 * <ul>
 *   <li><b>Refractory rows</b>: a row whose score is not above every score of the previous
 *       {@value #REFRACTORY_ROWS} rows scores 0 (the rows after an onset, an echo of it);</li>
 *   <li><b>daily recurrence</b>: a row scores 0 when <em>occurrences</em> came within
 *       {@value #SPREAD_SECONDS} s of the same time of day on each of the previous
 *       {@value #RECURRENCE_DAYS} days. An occurrence is a row scoring at least
 *       {@value #CANDIDATE_SCORE} before this stage, or whose surprise is at least
 *       {@value #OCCURRENCE_SURPRISE} decades (a million times less likely than usual) even when the
 *       novelty bar keeps it from scoring. A daily job's spike on a flat series is as surprising
 *       every day (more, as the flat stretches shrink the residual scale), and a job is not an
 *       incident.</li>
 * </ul>
 * Both rules read the scores before this stage, so a suppressed row still counts as an
 * occurrence and a daily job stays silent for as long as it keeps running.
 *
 * <p>State: {@code repeatScores}, {@code recurrenceDay} and {@code recurrenceMask} of
 * {@link DetectorState} (see {@link Mapper}).
 */
final class RepeatFilter {

    /** Rows before this one whose scores a new score must exceed. */
    static final int REFRACTORY_ROWS = 6;
    /** Scores at or above this (before this stage) are occurrences for the daily-recurrence rule. */
    static final double CANDIDATE_SCORE = 0.2;
    /** Surprises (decades of probability) at or above this are occurrences too. */
    static final double OCCURRENCE_SURPRISE = 6.0;
    /** Previous days that must each have had an occurrence near this time of day. */
    static final int RECURRENCE_DAYS = 2;
    /** Time-of-day buckets the occurrences are kept in (30 minutes each). */
    static final int BUCKETS = 48;
    /** How far from the same time of day an earlier occurrence may be (one hour). */
    static final int SPREAD_SECONDS = 3600;
    /** Days of occurrences each bucket remembers (bits of its mask). */
    static final int MASK_DAYS = 31;
    private static final int SECONDS_PER_DAY = 86_400;
    private static final int BUCKET_SECONDS = SECONDS_PER_DAY / BUCKETS;
    private static final int SPREAD_BUCKETS = SPREAD_SECONDS / BUCKET_SECONDS;

    /** The scores of the last {@link #REFRACTORY_ROWS} rows before this stage, newest first. */
    private final double[] recentScores = new double[REFRACTORY_ROWS];
    /** Per time-of-day bucket: the latest epoch day with an occurrence ({@link RecordRange#EMPTY_DAY}: none). */
    private final int[] day = new int[BUCKETS];
    /** Per bucket: bit {@code k} set when day {@code day - k} had an occurrence. */
    private final int[] mask = new int[BUCKETS];

    RepeatFilter() {
        Arrays.fill(day, RecordRange.EMPTY_DAY);
    }

    /**
     * The final score of a warm row whose score before this stage is {@code score} and whose
     * surprise (corrected, in decades) is {@code surprise}.
     */
    double filter(long epochSecond, double score, double surprise) {
        double result = score;
        for (double earlier : recentScores) {
            if (earlier >= score) {
                result = 0.0;
                break;
            }
        }
        System.arraycopy(recentScores, 0, recentScores, 1, REFRACTORY_ROWS - 1);
        recentScores[0] = score;
        if (result > 0 && recurred(epochSecond)) {
            result = 0.0;
        }
        if (score >= CANDIDATE_SCORE || surprise >= OCCURRENCE_SURPRISE) {
            mark(epochSecond);
        }
        return result;
    }

    /** Whether each of the previous {@link #RECURRENCE_DAYS} days had an occurrence within the spread of this time of day. */
    private boolean recurred(long epochSecond) {
        for (int back = 1; back <= RECURRENCE_DAYS; back++) {
            long then = epochSecond - (long) back * SECONDS_PER_DAY;
            boolean found = false;
            for (int s = -SPREAD_BUCKETS; s <= SPREAD_BUCKETS && !found; s++) {
                long t = then + (long) s * BUCKET_SECONDS;
                found = had(bucket(t), epochDay(t));
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private boolean had(int b, long d) {
        long age = (long) day[b] - d;
        return day[b] != RecordRange.EMPTY_DAY && age >= 0 && age < MASK_DAYS && ((mask[b] >>> age) & 1) != 0;
    }

    private void mark(long epochSecond) {
        int b = bucket(epochSecond);
        long d = epochDay(epochSecond);
        if (day[b] == RecordRange.EMPTY_DAY || d > day[b]) {
            long shift = day[b] == RecordRange.EMPTY_DAY ? MASK_DAYS : d - day[b];
            mask[b] = shift >= MASK_DAYS ? 0 : mask[b] << shift;
            day[b] = (int) d;
        }
        long age = day[b] - d;
        if (age >= 0 && age < MASK_DAYS) {
            mask[b] |= 1 << age;
        }
    }

    private static int bucket(long epochSecond) {
        return (int) (Math.floorMod(epochSecond, (long) SECONDS_PER_DAY) / BUCKET_SECONDS);
    }

    /** Epoch day, clamped into the int range above {@link RecordRange#EMPTY_DAY}. */
    private static long epochDay(long epochSecond) {
        return Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, Math.floorDiv(epochSecond, (long) SECONDS_PER_DAY)));
    }

    /** Between the repeat filter and a current-layout {@link DetectorState}. */
    static final class Mapper {

        private Mapper() {
        }

        static void toState(RepeatFilter model, DetectorState s) {
            s.repeatScores = model.recentScores.clone();
            s.recurrenceDay = model.day.clone();
            s.recurrenceMask = model.mask.clone();
        }

        static RepeatFilter toModel(DetectorState s) {
            StreamingDetector.requireLength("repeatScores", s.repeatScores == null ? -1 : s.repeatScores.length,
                    REFRACTORY_ROWS);
            StreamingDetector.requireLength("recurrenceDay", s.recurrenceDay == null ? -1 : s.recurrenceDay.length,
                    BUCKETS);
            StreamingDetector.requireLength("recurrenceMask", s.recurrenceMask == null ? -1 : s.recurrenceMask.length,
                    BUCKETS);
            RepeatFilter model = new RepeatFilter();
            System.arraycopy(s.repeatScores, 0, model.recentScores, 0, REFRACTORY_ROWS);
            System.arraycopy(s.recurrenceDay, 0, model.day, 0, BUCKETS);
            System.arraycopy(s.recurrenceMask, 0, model.mask, 0, BUCKETS);
            return model;
        }

        /** Sets the fields version 8 added as a state of an earlier version gets them: an empty filter. */
        static void toEmptyState(DetectorState s) {
            toState(new RepeatFilter(), s);
        }
    }
}
