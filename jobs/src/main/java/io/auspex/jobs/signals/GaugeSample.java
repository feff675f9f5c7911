package io.auspex.jobs.signals;

/** The last value of a gauge and the end of the window it was seen in (a Flink POJO, keyed state). */
public class GaugeSample {
    public double value;
    public long windowEndMs;

    public GaugeSample() {}

    GaugeSample(double value, long windowEndMs) {
        this.value = value;
        this.windowEndMs = windowEndMs;
    }
}
