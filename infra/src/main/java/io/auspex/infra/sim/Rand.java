package io.auspex.infra.sim;

import java.util.SplittableRandom;

/** Small, fast random helpers on {@link SplittableRandom}. */
final class Rand {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Rand() {
    }

    /** A well-mixed 64-bit value from a seed and an index (SplitMix64 finalizer). */
    static long mix(long seed, long index) {
        long z = seed + index * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Poisson-distributed count: exact (Knuth) below 30, normal approximation above. */
    static int poisson(SplittableRandom r, double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda < 30) {
            double limit = Math.exp(-lambda);
            int k = 0;
            double p = r.nextDouble();
            while (p > limit) {
                k++;
                p *= r.nextDouble();
            }
            return k;
        }
        long k = Math.round(lambda + Math.sqrt(lambda) * r.nextGaussian());
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, k));
    }

    /** Log-normal with the given median and shape. */
    static double logNormal(SplittableRandom r, double median, double sigma) {
        return median * Math.exp(sigma * r.nextGaussian());
    }

    /** Pareto with scale {@code xm} and shape {@code alpha}, capped at {@code cap}. */
    static double pareto(SplittableRandom r, double xm, double alpha, double cap) {
        double u = 1.0 - r.nextDouble();
        return Math.min(cap, xm / Math.pow(u, 1.0 / alpha));
    }

    /** 32 lowercase hex chars, never all zero (an OTel trace id). */
    static String traceId(SplittableRandom r) {
        long hi = r.nextLong();
        long lo = r.nextLong();
        if (hi == 0 && lo == 0) {
            lo = 1;
        }
        char[] c = new char[32];
        fill(c, 0, hi);
        fill(c, 16, lo);
        return new String(c);
    }

    /** 16 lowercase hex chars, never all zero (an OTel span id). */
    static String spanId(SplittableRandom r) {
        long v = r.nextLong();
        if (v == 0) {
            v = 1;
        }
        char[] c = new char[16];
        fill(c, 0, v);
        return new String(c);
    }

    /** {@code n} lowercase hex chars. */
    static String hex(SplittableRandom r, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = HEX[r.nextInt(16)];
        }
        return new String(c);
    }

    private static void fill(char[] c, int offset, long v) {
        for (int i = 15; i >= 0; i--) {
            c[offset + i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
    }
}
