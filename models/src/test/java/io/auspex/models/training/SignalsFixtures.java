package io.auspex.models.training;

import io.auspex.schemas.ServiceSignals;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic golden signals for tests: services of very different scale, normal windows with
 * noise and a daily traffic shape, and the incidents the model must catch.
 */
public final class SignalsFixtures {

    /** 2026-11-01T00:00:00Z. */
    public static final long BEGINNING = 1_793_491_200_000L;
    public static final long WINDOW_MS = 10_000L;
    private static final int WINDOWS_PER_DAY = 8_640;

    /** Normal behaviour of one service. */
    public record Profile(String name, double rps, double errorRatio, double p50Ms,
            double saturation, double errorLogsPerS) {}

    /** Five services spanning four orders of magnitude of traffic and latency. */
    public static final List<Profile> SERVICES = List.of(
            new Profile("search", 2000.0, 0.001, 8.0, 0.55, 0.5),
            new Profile("frontend", 800.0, 0.002, 25.0, 0.40, 0.2),
            new Profile("checkout", 50.0, 0.01, 120.0, 0.30, 0.1),
            new Profile("payments", 5.0, 0.005, 400.0, 0.70, 0.05),
            new Profile("reports", 0.5, 0.0, 2000.0, 0.10, 0.0));

    private SignalsFixtures() {}

    /** A hand-made window with every signal given explicitly. */
    public static ServiceSignals window(String service, long startMs, double rps,
            double errorRatio, double p50, double p90, double p99, double max,
            double saturation, long errorLogs) {
        long requests = Math.round(rps * WINDOW_MS / 1000.0);
        return ServiceSignals.newBuilder()
                .setServiceName(service)
                .setWindowStartMs(startMs)
                .setWindowEndMs(startMs + WINDOW_MS)
                .setRequestCount(requests)
                .setTrafficRps(rps)
                .setErrorSpanCount(Math.round(errorRatio * requests))
                .setHttp5xxCount(Math.round(errorRatio * requests))
                .setErrorLogCount(errorLogs)
                .setLogCount(errorLogs + requests)
                .setErrorRatio(errorRatio)
                .setLatencyP50Ms(p50)
                .setLatencyP90Ms(p90)
                .setLatencyP99Ms(p99)
                .setLatencyMaxMs(max)
                .setSaturation(saturation)
                .build();
    }

    /** {@code windows} consecutive normal windows of every profile, from {@code startMs}. */
    public static List<ServiceSignals> normal(List<Profile> profiles, long startMs, int windows,
            long seed) {
        Random rnd = new Random(seed);
        List<ServiceSignals> out = new ArrayList<>(profiles.size() * windows);
        for (int w = 0; w < windows; w++) {
            long start = startMs + w * WINDOW_MS;
            double daily = 1.0 + 0.3 * Math.sin(2 * Math.PI * (start / WINDOW_MS)
                    / WINDOWS_PER_DAY);
            for (Profile p : profiles) {
                out.add(normalWindow(p, start, daily, rnd));
            }
        }
        return out;
    }

    /**
     * Like {@link #normal}, with the heavy tails of real 10 s windows: in 3 % of windows one
     * slow request lands in the window (p99 and max 5-10x, p50 and p90 unchanged), and low
     * traffic services see a stray error now and then. Normal behaviour, not incidents.
     */
    public static List<ServiceSignals> normalWithTails(List<Profile> profiles, long startMs,
            int windows, long seed) {
        List<ServiceSignals> base = normal(profiles, startMs, windows, seed);
        Random rnd = new Random(seed + 1);
        List<ServiceSignals> out = new ArrayList<>(base.size());
        for (ServiceSignals s : base) {
            ServiceSignals.Builder b = ServiceSignals.newBuilder(s);
            if (rnd.nextDouble() < 0.03) {
                double f = 5 + 5 * rnd.nextDouble();
                b.setLatencyP99Ms(s.getLatencyP99Ms() * f).setLatencyMaxMs(s.getLatencyMaxMs() * f);
            }
            if (s.getRequestCount() > 0 && s.getRequestCount() < 100 && rnd.nextDouble() < 0.05) {
                b.setErrorSpanCount(s.getErrorSpanCount() + 1)
                        .setErrorRatio((s.getErrorSpanCount() + 1.0) / s.getRequestCount());
            }
            out.add(b.build());
        }
        return out;
    }

    private static ServiceSignals normalWindow(Profile p, long start, double daily, Random rnd) {
        double rps = p.rps() * daily * Math.exp(0.1 * rnd.nextGaussian());
        double err = Math.min(1.0, p.errorRatio() * Math.exp(0.25 * rnd.nextGaussian()));
        double p50 = p.p50Ms() * Math.exp(0.08 * rnd.nextGaussian());
        double p90 = p50 * 2.0 * Math.exp(0.1 * rnd.nextGaussian());
        double p99 = p90 * 2.0 * Math.exp(0.15 * rnd.nextGaussian());
        double max = p99 * 1.5 * Math.exp(0.3 * Math.abs(rnd.nextGaussian()));
        double sat = Math.min(1.0, Math.max(0.0, p.saturation() + 0.03 * rnd.nextGaussian()));
        long logs = Math.round(p.errorLogsPerS() * 10 * Math.exp(0.3 * rnd.nextGaussian()));
        return window(p.name(), start, rps, err, p50, p90, p99, max, sat, logs);
    }

    /** The same window with its error ratio multiplied (capped at 1). */
    public static ServiceSignals withErrorRatioTimes(ServiceSignals s, double factor) {
        return withErrorRatio(s, Math.min(1.0, s.getErrorRatio() * factor));
    }

    /** The same window with an error ratio of {@code ratio} (and error counts to match). */
    public static ServiceSignals withErrorRatio(ServiceSignals s, double ratio) {
        long errors = Math.round(ratio * s.getRequestCount());
        return ServiceSignals.newBuilder(s)
                .setErrorRatio(ratio)
                .setErrorSpanCount(errors)
                .setHttp5xxCount(errors)
                .build();
    }

    /** The same window with every latency quantile multiplied. */
    public static ServiceSignals withLatencyTimes(ServiceSignals s, double factor) {
        return ServiceSignals.newBuilder(s)
                .setLatencyP50Ms(s.getLatencyP50Ms() * factor)
                .setLatencyP90Ms(s.getLatencyP90Ms() * factor)
                .setLatencyP99Ms(s.getLatencyP99Ms() * factor)
                .setLatencyMaxMs(s.getLatencyMaxMs() * factor)
                .build();
    }
}
