package io.auspex.models.nab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

class SeriesCsvTest {

    private static Series read(String text) throws Exception {
        return SeriesCsv.read(new StringReader(text));
    }

    private static SeriesFormatException failure(String text) {
        return assertThrows(SeriesFormatException.class, () -> read(text));
    }

    @Test
    void readsRowsWithOrWithoutFinalNewline() throws Exception {
        Series series = read("timestamp,value\n2015-08-31 18:22:00,90\n2015-08-31 18:27:00,1.5e1");
        assertArrayEquals(new double[] {90, 15}, series.values());
        assertEquals(Timestamps.parseMicros("2015-08-31 18:27:00"), series.timestampsMicros()[1]);
        assertEquals(2, read("timestamp,value\n2015-08-31 18:22:00,90\n2015-08-31 18:27:00,1\n\n").size());
    }

    @Test
    void namesTheLineAndTheProblem() {
        assertEquals("line 1: header is 'time,value', expected 'timestamp,value'",
                failure("time,value\n2015-08-31 18:22:00,90\n").getMessage());
        SeriesFormatException number = failure("timestamp,value\n2015-08-31 18:22:00,90\n2015-08-31 18:27:00,abc\n");
        assertEquals(3, number.line());
        assertEquals("line 3: value 'abc' is not a number", number.getMessage());
        assertEquals(2, failure("timestamp,value\n2015-08-31,90\n").line());
        assertEquals(2, failure("timestamp,value\n2015-08-31 18:22:00\n").line());
        assertEquals(3, failure("timestamp,value\n2015-08-31 18:22:00,1\n\n2015-08-31 18:23:00,2\n").line());
        assertEquals(2, failure("timestamp,value\n2015-08-31 18:22:00,NaN\n").line());
        assertEquals(1, failure("").line());
    }

    /** Rows out of time order are kept in file order and counted, not rejected. */
    @Test
    void keepsRowsStampedBeforeTheLatestInFileOrderAndCountsThem() throws Exception {
        Series series = read("timestamp,value\n2015-08-31 18:22:00,1\n2015-08-31 18:27:00,2\n"
                + "2015-08-31 18:27:00,3\n2015-08-31 17:32:00,4\n2015-08-31 18:22:00,5\n2015-08-31 18:27:00,6\n"
                + "2015-08-31 18:32:00,7\n");
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7}, series.values());
        assertEquals(Timestamps.parseMicros("2015-08-31 17:32:00"), series.timestampsMicros()[3]);
        // 17:32 and 18:22 are before 18:27; the second 18:27 repeats it, and so does the one after the step
        assertEquals(new TimeDisorder(2, 2), series.disorder());
        assertTrue(read("timestamp,value\n2015-08-31 18:22:00,1\n2015-08-31 18:27:00,2\n").disorder().inOrder());
        assertEquals("2 rows stamped earlier than a row before them and 1 row repeating the latest timestamp;"
                + " scored in file order, with the detector's time held at the latest timestamp",
                new TimeDisorder(2, 1).warning());
    }
}
