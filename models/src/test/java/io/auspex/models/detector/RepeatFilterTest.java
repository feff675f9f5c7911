package io.auspex.models.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RepeatFilterTest {

    private static final long DAY = 86_400;
    /** 2024-01-01 03:00 UTC. */
    private static final long T0 = 1_704_067_200L + 3 * 3600;

    @Test
    void aScoreNotAboveThoseOfThePreviousSixRowsIsZero() {
        RepeatFilter filter = new RepeatFilter();
        assertEquals(0.6, filter.filter(T0, 0.6, 0.0));
        assertEquals(0.0, filter.filter(T0 + 300, 0.4, 0.0), "an echo of the onset");
        assertEquals(0.0, filter.filter(T0 + 600, 0.6, 0.0), "as much as the onset is not more");
        assertEquals(0.7, filter.filter(T0 + 900, 0.7, 0.0), "more than every recent row");
        for (int i = 4; i < 10; i++) {
            assertEquals(0.0, filter.filter(T0 + i * 300, 0.0, 0.0));
        }
        assertEquals(0.4, filter.filter(T0 + 3000, 0.4, 0.0), "six quiet rows later a smaller score counts again");
    }

    /** The filter's result for {@code score} at {@code t}, after six quiet rows (so the refractory rule is not involved). */
    private static double after(RepeatFilter filter, long t, double score) {
        return after(filter, t, score, 0.0);
    }

    /** The same with the row's surprise. */
    private static double after(RepeatFilter filter, long t, double score, double surprise) {
        for (int i = 6; i > 0; i--) {
            filter.filter(t - i * 60L, 0.0, 0.0);
        }
        return filter.filter(t, score, surprise);
    }

    @Test
    void anOccurrenceAtTheSameTimeOfDayOnEachOfThePreviousTwoDaysIsZero() {
        RepeatFilter filter = new RepeatFilter();
        assertEquals(0.5, after(filter, T0, 0.5), "day 1");
        assertEquals(0.5, after(filter, T0 + DAY + 600, 0.5), "day 2: one earlier day only");
        assertEquals(0.0, after(filter, T0 + 2 * DAY - 1800, 0.5), "day 3, half an hour earlier: a daily job");
        assertEquals(0.0, after(filter, T0 + 3 * DAY + 3000, 0.9), "day 4, 50 minutes later, however high");
        assertEquals(0.5, after(filter, T0 + 3 * DAY + 3 * 3600, 0.5), "another time of day is news");
        assertEquals(0.15, after(filter, T0 + 4 * DAY + 7 * 3600, 0.15), "a small score at a quiet time of day is untouched");
    }

    @Test
    void aDayWithoutTheOccurrenceBreaksTheRecurrence() {
        RepeatFilter filter = new RepeatFilter();
        after(filter, T0, 0.5);
        after(filter, T0 + DAY, 0.5);
        assertEquals(0.5, after(filter, T0 + 3 * DAY, 0.5), "day 4: day 3 had none");
        assertEquals(0.5, after(filter, T0 + 4 * DAY, 0.5), "day 5: day 3 had none");
        assertEquals(0.0, after(filter, T0 + 5 * DAY, 0.5), "day 6 after days 4 and 5");
        assertEquals(0.0, after(filter, T0 + 6 * DAY, 0.5), "day 7: the suppressed occurrence of day 6 still counts");
    }

    @Test
    void theRecurrenceWrapsAroundMidnight() {
        RepeatFilter filter = new RepeatFilter();
        long late = 1_704_067_200L + DAY - 600; // 23:50
        after(filter, late, 0.5);
        after(filter, late + DAY + 1200, 0.5); // 00:10 on day 3, twenty minutes after 23:50 of day 2
        assertEquals(0.0, after(filter, late + 2 * DAY, 0.5));
    }

    @Test
    void aVerySurprisingRowThatDidNotScoreIsAnOccurrenceToo() {
        RepeatFilter filter = new RepeatFilter();
        assertEquals(0.0, after(filter, T0, 0.0, RepeatFilter.OCCURRENCE_SURPRISE), "day 1: held under the novelty bar");
        assertEquals(0.0, after(filter, T0 + DAY, 0.0, RepeatFilter.OCCURRENCE_SURPRISE + 3), "day 2");
        assertEquals(0.0, after(filter, T0 + 2 * DAY, 0.6, 9.0), "day 3 scores before the filter: the job again");
        assertEquals(0.6, after(filter, T0 + 2 * DAY + 4 * 3600, 0.6, RepeatFilter.OCCURRENCE_SURPRISE - 1),
                "four hours later is another time of day");
    }
}
