package io.auspex.infra.sim;

import java.util.SplittableRandom;

/**
 * The entry request rate over event time: a daily cosine with its peak at
 * {@link SimulatorConfig#peakHourUtc()} and peak/trough ratio {@link SimulatorConfig#peakToTrough()},
 * times a slowly varying log-normal noise (one draw per minute, linearly interpolated).
 *
 * <pre>
 * rate(t) = base * (1 + A * cos(2 pi (hourOfDay(t) - peakHour) / 24)),  A = (r - 1) / (r + 1)
 * </pre>
 *
 * so that rate(peak) / rate(trough) = (1 + A) / (1 - A) = r, and the daily mean is {@code base}.
 */
public final class TrafficShape {

    private static final double MS_PER_HOUR = 3_600_000.0;
    private static final long MS_PER_DAY = 86_400_000L;
    private static final long NOISE_SALT = 0x6E6F697365L;

    private final double base;
    private final double amplitude;
    private final double peakHour;
    private final double noise;
    private final long seed;

    public TrafficShape(double base, double peakToTrough, double peakHourUtc, double noise, long seed) {
        this.base = base;
        this.amplitude = (peakToTrough - 1) / (peakToTrough + 1);
        this.peakHour = peakHourUtc;
        this.noise = noise;
        this.seed = seed;
    }

    public static TrafficShape of(SimulatorConfig c) {
        return new TrafficShape(c.baseRequestRate(), c.peakToTrough(), c.peakHourUtc(), c.rateNoise(), c.seed());
    }

    /** Daily amplitude A: the rate swings between base * (1 - A) and base * (1 + A). */
    public double amplitude() {
        return amplitude;
    }

    /** The noise-free rate at this event time, requests per second. */
    public double rateAt(long epochMs) {
        double hour = Math.floorMod(epochMs, MS_PER_DAY) / MS_PER_HOUR;
        return base * (1 + amplitude * Math.cos(2 * Math.PI * (hour - peakHour) / 24.0));
    }

    /** The noise-free rate relative to the daily mean (1.0 = average load). */
    public double loadRatioAt(long epochMs) {
        return rateAt(epochMs) / base;
    }

    /** The rate including the per-minute noise, requests per second. */
    public double noisyRateAt(long epochMs) {
        if (noise == 0) {
            return rateAt(epochMs);
        }
        long minute = Math.floorDiv(epochMs, 60_000L);
        double frac = (epochMs - minute * 60_000L) / 60_000.0;
        double z = noiseZ(minute) * (1 - frac) + noiseZ(minute + 1) * frac;
        return rateAt(epochMs) * Math.exp(noise * z - noise * noise / 2);
    }

    private double noiseZ(long minute) {
        return new SplittableRandom(Rand.mix(seed ^ NOISE_SALT, minute)).nextGaussian();
    }
}
