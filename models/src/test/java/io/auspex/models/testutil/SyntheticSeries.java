package io.auspex.models.testutil;

import io.auspex.models.nab.Series;
import java.util.Random;

/** Builders of synthetic series for detector tests: 5-minute rows from a fixed start, seeded noise. */
public final class SyntheticSeries {

    /** 2024-01-01T00:00:00Z. */
    public static final long BEGINNING = 1_704_067_200L;
    public static final long FIVE_MINUTES = 300L;
    public static final int ROWS_PER_DAY = 288;

    private final double[] values;

    private SyntheticSeries(int rows) {
        this.values = new double[rows];
    }

    public static SyntheticSeries of(int rows) {
        return new SyntheticSeries(rows);
    }

    public SyntheticSeries constant(double level) {
        for (int i = 0; i < values.length; i++) {
            values[i] += level;
        }
        return this;
    }

    public SyntheticSeries gaussianNoise(double sd, long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < values.length; i++) {
            values[i] += sd * random.nextGaussian();
        }
        return this;
    }

    /** A daily sine wave of the given amplitude. */
    public SyntheticSeries dailySine(double amplitude) {
        for (int i = 0; i < values.length; i++) {
            values[i] += amplitude * Math.sin(2 * Math.PI * i / ROWS_PER_DAY);
        }
        return this;
    }

    /** A daily square wave: {@code high} added from 09:00 to 18:00 UTC every day, nothing otherwise. */
    public SyntheticSeries dailySquareWave(double high) {
        for (int i = 0; i < values.length; i++) {
            int rowOfDay = i % ROWS_PER_DAY;
            if (rowOfDay >= 108 && rowOfDay < 216) {
                values[i] += high;
            }
        }
        return this;
    }

    /** Adds {@code delta} to every row from {@code row} on. */
    public SyntheticSeries levelShift(int row, double delta) {
        for (int i = row; i < values.length; i++) {
            values[i] += delta;
        }
        return this;
    }

    /** Adds {@code delta} to one row. */
    public SyntheticSeries spike(int row, double delta) {
        values[row] += delta;
        return this;
    }

    public double[] values() {
        return values.clone();
    }

    public static long timestamp(int row) {
        return BEGINNING + row * FIVE_MINUTES;
    }

    public Series toSeries() {
        long[] micros = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            micros[i] = timestamp(i) * 1_000_000L;
        }
        return new Series(micros, values.clone());
    }

    /** The series as a {@code timestamp,value} CSV. */
    public String toCsv() {
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        for (int i = 0; i < values.length; i++) {
            csv.append(java.time.LocalDateTime.ofEpochSecond(timestamp(i), 0, java.time.ZoneOffset.UTC).format(format))
                    .append(',').append(values[i]).append('\n');
        }
        return csv.toString();
    }
}
