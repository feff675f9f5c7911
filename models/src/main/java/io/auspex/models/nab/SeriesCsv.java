package io.auspex.models.nab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a {@code timestamp,value} CSV (NAB's format) completely and validates it before anyone
 * scores it, so a bad row fails the whole file with the line and the problem instead of half an
 * output.
 *
 * <p>Rules: the first line is the header {@code timestamp,value}; every other line is
 * {@code yyyy-MM-dd HH:mm:ss[.ffffff],<finite number>}; blank lines at the end of the file are
 * ignored, elsewhere they are an error; a file without a final newline is fine. Rows are kept in
 * file order even when a timestamp is earlier than, or equal to, the latest one before it (real
 * data has clock steps and repeated stamps): that is not an error, {@link Series#disorder()} counts
 * such rows so that callers can warn, and the detector holds its time at the latest timestamp.
 */
public final class SeriesCsv {

    private SeriesCsv() {
    }

    public static Series read(Path file) throws IOException, SeriesFormatException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader);
        }
    }

    public static Series read(Reader source) throws IOException, SeriesFormatException {
        BufferedReader reader = source instanceof BufferedReader b ? b : new BufferedReader(source);
        String header = reader.readLine();
        if (header == null) {
            throw new SeriesFormatException(1, "empty file, expected the header 'timestamp,value'");
        }
        if (!header.isEmpty() && header.charAt(0) == '\uFEFF') {
            header = header.substring(1);
        }
        if (!header.trim().equals("timestamp,value")) {
            throw new SeriesFormatException(1, "header is '" + header + "', expected 'timestamp,value'");
        }
        long[] timestamps = new long[1024];
        double[] values = new double[1024];
        int n = 0;
        long lineNumber = 1;
        long firstBlankLine = -1;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                if (firstBlankLine < 0) {
                    firstBlankLine = lineNumber;
                }
                continue;
            }
            if (firstBlankLine >= 0) {
                throw new SeriesFormatException(firstBlankLine, "blank line between data rows");
            }
            int comma = line.indexOf(',');
            if (comma < 0 || line.indexOf(',', comma + 1) >= 0) {
                throw new SeriesFormatException(lineNumber, "expected exactly two fields 'timestamp,value', got '"
                        + line + "'");
            }
            long micros;
            try {
                micros = Timestamps.parseMicros(line.substring(0, comma));
            } catch (IllegalArgumentException e) {
                throw new SeriesFormatException(lineNumber, e.getMessage());
            }
            String valueText = line.substring(comma + 1).trim();
            double value;
            try {
                value = Double.parseDouble(valueText);
            } catch (NumberFormatException e) {
                throw new SeriesFormatException(lineNumber, "value '" + valueText + "' is not a number");
            }
            if (!Double.isFinite(value)) {
                throw new SeriesFormatException(lineNumber, "value '" + valueText + "' is not finite");
            }
            if (n == values.length) {
                timestamps = java.util.Arrays.copyOf(timestamps, n * 2);
                values = java.util.Arrays.copyOf(values, n * 2);
            }
            timestamps[n] = micros;
            values[n] = value;
            n++;
        }
        return new Series(java.util.Arrays.copyOf(timestamps, n), java.util.Arrays.copyOf(values, n));
    }
}
