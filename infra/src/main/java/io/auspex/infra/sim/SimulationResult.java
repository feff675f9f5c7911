package io.auspex.infra.sim;

/**
 * What one {@link TelemetrySimulator#run(TelemetrySink)} produced.
 *
 * @param requests entry requests (traces)
 * @param spans spans delivered
 * @param metrics gauge samples delivered
 * @param logs log lines delivered
 * @param malformed malformed records delivered
 * @param wallNanos wall-clock time of the run
 * @param completed false if the run stopped early because its thread was interrupted
 */
public record SimulationResult(long requests, long spans, long metrics, long logs, long malformed, long wallNanos,
        boolean completed) {

    /** All records delivered. */
    public long records() {
        return spans + metrics + logs + malformed;
    }

    /** Records delivered per wall-clock second. */
    public double recordsPerSecond() {
        return wallNanos == 0 ? 0 : records() * 1e9 / wallNanos;
    }

    @Override
    public String toString() {
        return String.format("%d requests, %d records (%d spans, %d metrics, %d logs, %d malformed) in %.2f s = %.0f records/s%s",
                requests, records(), spans, metrics, logs, malformed, wallNanos / 1e9, recordsPerSecond(),
                completed ? "" : " (interrupted)");
    }
}
