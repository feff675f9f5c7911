package io.auspex.models.nab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        assertEquals(3, failure("timestamp,value\n2015-08-31 18:22:00,1\n2015-08-31 18:21:00,2\n").line());
        assertEquals(3, failure("timestamp,value\n2015-08-31 18:22:00,1\n\n2015-08-31 18:23:00,2\n").line());
        assertEquals(2, failure("timestamp,value\n2015-08-31 18:22:00,NaN\n").line());
        assertEquals(1, failure("").line());
    }
}
