package io.auspex.jobs.slo;

import io.auspex.schemas.ServiceSignals;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The backtest CSV: header {@code window_end,service,total,bad_availability} then one
 * {@code bad_latency_<threshold_ms>} column per latency threshold (any order after the first
 * four). One row per service per window, rows in time order; {@code window_end} ISO-8601 UTC.
 * A window starts where the previous row of its service ended; the first row of each service
 * gets the file's window length (the smallest step between consecutive window ends).
 */
public final class SignalsCsv {
    static final List<String> FIXED = List.of("window_end", "service", "total", "bad_availability");

    /** A problem with the input, reported with exit code 1. */
    public static final class BadInput extends Exception {
        private static final long serialVersionUID = 1L;

        public BadInput(String message) {
            super(message);
        }
    }

    private SignalsCsv() {}

    public static List<ServiceSignals> parse(List<String> lines, String file, SortedSet<Long> thresholds) throws BadInput {
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new BadInput(file + ": empty file, expected the header " + String.join(",", FIXED) + ",bad_latency_<ms>...");
        }
        String[] header = lines.get(0).trim().split(",", -1);
        for (int i = 0; i < FIXED.size(); i++) {
            if (header.length <= i || !header[i].trim().equals(FIXED.get(i))) {
                throw new BadInput(file + ": line 1: the header must start with " + String.join(",", FIXED)
                        + ", got '" + lines.get(0).trim() + "'");
            }
        }
        Map<Long, Integer> latencyColumn = new LinkedHashMap<>();
        for (int i = FIXED.size(); i < header.length; i++) {
            String h = header[i].trim();
            if (!h.matches("bad_latency_[0-9]{1,12}")) {
                throw new BadInput(file + ": line 1: unknown column '" + h + "' (expected bad_latency_<threshold_ms>)");
            }
            latencyColumn.put(Long.parseLong(h.substring("bad_latency_".length())), i);
        }
        for (long t : thresholds) {
            if (!latencyColumn.containsKey(t)) {
                throw new BadInput(file + ": line 1: missing column bad_latency_" + t
                        + " (a latency SLO of the SLO file uses threshold_ms " + t + ")");
            }
        }
        List<long[]> times = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        long prev = Long.MIN_VALUE;
        long step = Long.MAX_VALUE;
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != header.length) {
                throw new BadInput(file + ": line " + (n + 1) + ": " + f.length + " fields, the header has " + header.length);
            }
            long end;
            try {
                end = Instant.parse(f[0].trim()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new BadInput(file + ": line " + (n + 1) + ": window_end '" + f[0] + "' is not ISO-8601 UTC like 2026-01-01T00:00:10Z");
            }
            if (end < prev) {
                throw new BadInput(file + ": line " + (n + 1) + ": rows must be in time order (" + f[0].trim()
                        + " is before the row above)");
            }
            if (end > prev && prev != Long.MIN_VALUE) {
                step = Math.min(step, end - prev);
            }
            prev = end;
            times.add(new long[] {end, n + 1});
            rows.add(f);
        }
        if (step == Long.MAX_VALUE) {
            step = 10_000;
        }
        List<ServiceSignals> out = new ArrayList<>(rows.size());
        Map<String, Long> lastEnd = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            String[] f = rows.get(i);
            long end = times.get(i)[0];
            int line = (int) times.get(i)[1];
            String service = f[1].trim();
            if (service.isEmpty()) {
                throw new BadInput(file + ": line " + line + ": empty service");
            }
            long total = count(f[2], "total", file, line);
            long bad = count(f[3], "bad_availability", file, line);
            Map<String, Long> over = new HashMap<>();
            for (Map.Entry<Long, Integer> c : latencyColumn.entrySet()) {
                long v = count(f[c.getValue()], "bad_latency_" + c.getKey(), file, line);
                if (v > total) {
                    throw new BadInput(file + ": line " + line + ": bad_latency_" + c.getKey() + " " + v + " is more than total " + total);
                }
                over.put(Long.toString(c.getKey()), v);
            }
            if (bad > total) {
                throw new BadInput(file + ": line " + line + ": bad_availability " + bad + " is more than total " + total);
            }
            Long previous = lastEnd.put(service, end);
            long start = previous == null ? end - step : previous;
            if (start >= end) {
                throw new BadInput(file + ": line " + line + ": a second row for " + service + " at " + f[0].trim());
            }
            out.add(countsOnly(service, start, end, total, bad, over));
        }
        return out;
    }

    private static long count(String text, String column, String file, int line) throws BadInput {
        try {
            long v = Long.parseLong(text.trim());
            if (v < 0) {
                throw new BadInput(file + ": line " + line + ": " + column + " must not be negative, got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BadInput(file + ": line " + line + ": " + column + " must be a whole number, got '" + text.trim() + "'");
        }
    }

    /**
     * A window that carries only SLI counts (total, bad, spans over each latency threshold):
     * what a CSV row says; every other signal is 0.
     */
    public static ServiceSignals countsOnly(String service, long start, long end, long total, long bad,
            Map<String, Long> overThresholds) {
        return ServiceSignals.newBuilder()
                .setServiceName(service)
                .setWindowStartMs(start)
                .setWindowEndMs(end)
                .setRequestCount(total)
                .setTrafficRps(total * 1000.0 / (end - start))
                .setErrorSpanCount(bad)
                .setHttp5xxCount(0)
                .setErrorLogCount(0)
                .setLogCount(0)
                .setErrorRatio(total == 0 ? 0 : (double) bad / total)
                .setLatencyP50Ms(0)
                .setLatencyP90Ms(0)
                .setLatencyP99Ms(0)
                .setLatencyMaxMs(0)
                .setSaturation(0)
                .setLatencyOverMs(overThresholds)
                .build();
    }
}
