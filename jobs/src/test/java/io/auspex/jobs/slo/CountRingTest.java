package io.auspex.jobs.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CountRingTest {
    private static final long M = Durations.MINUTE_MS;

    @Test
    void windowSumsWeightTheOldestPartialBucket() {
        CountRing r = new CountRing(M, 7); // windows up to 5 minutes
        for (int minute = 0; minute < 10; minute++) {
            r.add(minute * M, 60, minute); // 60 events per minute, `minute` bad
        }
        // [5m, 10m): minutes 5..9
        assertEquals(300.0, r.total(10 * M, 5 * M));
        assertEquals(5 + 6 + 7 + 8 + 9, r.bad(10 * M, 5 * M));
        // [4.5m, 9.5m): half of minute 4, minutes 5..8, all of minute 9 so far
        assertEquals(30 + 240 + 60, r.total(9 * M + 30_000, 5 * M));
        assertEquals(2 + 5 + 6 + 7 + 8 + 9, r.bad(9 * M + 30_000, 5 * M));
        // time after the newest data holds no events: [7m, 12m) is minutes 7..9
        assertEquals(180.0, r.total(12 * M, 5 * M));
    }

    @Test
    void gapsAndLateDataStayConsistent() {
        CountRing r = new CountRing(M, 4);
        r.add(0, 10, 1);
        r.add(100 * M, 5, 5); // long gap: the ring forgets the old data
        assertEquals(5.0, r.total(101 * M, 2 * M));
        assertTrue(r.add(99 * M, 3, 0)); // late, still kept
        assertEquals(8.0, r.total(101 * M, 2 * M));
        assertFalse(r.add(97 * M, 3, 0)); // older than the ring keeps
        assertEquals(8, r.retainedTotal());
    }

    @Test
    void resizeKeepsTheNewestBuckets() {
        CountRing r = new CountRing(M, 10);
        for (int minute = 0; minute < 9; minute++) {
            r.add(minute * M, 1, 0);
        }
        CountRing small = r.resized(4);
        assertEquals(3.0, small.total(9 * M, 3 * M));
        CountRing big = small.resized(12);
        assertEquals(3.0, big.total(9 * M, 8 * M), "history lost by shrinking is not invented");
        assertEquals(3.0, r.resized(12).total(9 * M, 3 * M));
    }
}
