package io.auspex.models.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimestampsTest {

    private static long javaTime(String iso) {
        LocalDateTime t = LocalDateTime.parse(iso);
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
    }

    @Test
    void agreesWithJavaTimeAcrossLeapYearsAndCenturies() {
        String[] samples = {"1970-01-01T00:00:00", "2015-08-31T18:22:00", "2016-02-29T23:59:59",
            "2000-03-01T00:00:00", "1900-03-01T12:00:00", "2100-12-31T01:02:03", "1969-12-31T23:59:59"};
        for (String sample : samples) {
            assertEquals(javaTime(sample), Timestamps.parseMicros(sample.replace('T', ' ')), sample);
        }
    }

    @Test
    void readsFractionalSecondsOfNabLabels() {
        assertEquals(javaTime("2014-04-10T07:15:00"), Timestamps.parseMicros("2014-04-10 07:15:00.000000"));
        assertEquals(javaTime("2014-04-10T07:15:00.25"), Timestamps.parseMicros("2014-04-10 07:15:00.25"));
    }

    @Test
    void rejectsMalformedText() {
        assertThrows(IllegalArgumentException.class, () -> Timestamps.parseMicros("2014-04-10"));
        assertThrows(IllegalArgumentException.class, () -> Timestamps.parseMicros("2014-02-30 00:00:00"));
        assertThrows(IllegalArgumentException.class, () -> Timestamps.parseMicros("2014-04-10 24:00:00"));
        assertThrows(IllegalArgumentException.class, () -> Timestamps.parseMicros("2014/04/10 00:00:00"));
        assertThrows(IllegalArgumentException.class, () -> Timestamps.parseMicros("2014-04-10 00:00:00.x"));
    }
}
