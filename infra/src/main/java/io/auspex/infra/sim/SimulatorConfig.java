package io.auspex.infra.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything that decides what the {@link TelemetrySimulator} produces. Two runs with equal
 * configs produce identical telemetry. Build with {@link #builder()}; the table in
 * docs/simulator.md lists every setting with its default.
 */
public final class SimulatorConfig {

    /** Monday 2026-01-05T00:00:00Z: a fixed default start so default runs are reproducible. */
    public static final long DEFAULT_START_MS = 1_767_571_200_000L;

    private final String scenarioName;
    private final long seed;
    private final long startMs;
    private final Duration duration;
    private final double baseRequestRate;
    private final double peakToTrough;
    private final double peakHourUtc;
    private final double rateNoise;
    private final double baselineErrorRate;
    private final double errorPropagation;
    private final double tailProbability;
    private final double infoLogFraction;
    private final long metricIntervalMs;
    private final long maxOutOfOrdernessMs;
    private final long timeoutMs;
    private final List<Incident> incidents;
    private final int badRecordCount;
    private final double speedFactor;
    private final Topology topology;
    private final boolean spanStatus;
    private final boolean statusCodes;
    private final boolean ownErrorLogs;

    private SimulatorConfig(Builder b) {
        this.scenarioName = b.scenarioName;
        this.seed = b.seed;
        this.startMs = b.startMs;
        this.duration = b.duration;
        this.baseRequestRate = b.baseRequestRate;
        this.peakToTrough = b.peakToTrough;
        this.peakHourUtc = b.peakHourUtc;
        this.rateNoise = b.rateNoise;
        this.baselineErrorRate = b.baselineErrorRate;
        this.errorPropagation = b.errorPropagation;
        this.tailProbability = b.tailProbability;
        this.infoLogFraction = b.infoLogFraction;
        this.metricIntervalMs = b.metricIntervalMs;
        this.maxOutOfOrdernessMs = b.maxOutOfOrdernessMs;
        this.timeoutMs = b.timeoutMs;
        this.incidents = List.copyOf(b.incidents);
        this.badRecordCount = b.badRecordCount;
        this.speedFactor = b.speedFactor;
        this.topology = b.topology;
        this.spanStatus = b.spanStatus;
        this.statusCodes = b.statusCodes;
        this.ownErrorLogs = b.ownErrorLogs;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.scenarioName = scenarioName;
        b.seed = seed;
        b.startMs = startMs;
        b.duration = duration;
        b.baseRequestRate = baseRequestRate;
        b.peakToTrough = peakToTrough;
        b.peakHourUtc = peakHourUtc;
        b.rateNoise = rateNoise;
        b.baselineErrorRate = baselineErrorRate;
        b.errorPropagation = errorPropagation;
        b.tailProbability = tailProbability;
        b.infoLogFraction = infoLogFraction;
        b.metricIntervalMs = metricIntervalMs;
        b.maxOutOfOrdernessMs = maxOutOfOrdernessMs;
        b.timeoutMs = timeoutMs;
        b.incidents = new ArrayList<>(incidents);
        b.badRecordCount = badRecordCount;
        b.speedFactor = speedFactor;
        b.topology = topology;
        b.spanStatus = spanStatus;
        b.statusCodes = statusCodes;
        b.ownErrorLogs = ownErrorLogs;
        return b;
    }

    /**
     * Whether spans carry an error status (default true). Telemetry from many real systems has
     * none: failed requests then show only in HTTP status codes and error logs.
     */
    public boolean spanStatus() {
        return spanStatus;
    }

    /**
     * Whether spans carry their HTTP status code (default true). Without span status and without
     * status codes, a request that failed looks like one that succeeded in its spans: only error
     * logs show it (traces converted from some tracers, or instrumented without HTTP attributes).
     */
    public boolean statusCodes() {
        return statusCodes;
    }

    /**
     * Whether a request that fails in the service itself (an {@link IncidentKind#ERROR_BURST} or a
     * background error) logs an ERROR line there (default true). False: the exception is turned
     * into a failed response without a log line, so only the callers' lines about the failed call
     * show it (out-of-memory and timeout lines are still logged).
     */
    public boolean ownErrorLogs() {
        return ownErrorLogs;
    }

    /** Free-text name written into the ground truth ("demo", "normal", ...). */
    public String scenarioName() {
        return scenarioName;
    }

    /** Seed of every random choice. */
    public long seed() {
        return seed;
    }

    /** First event time, epoch ms. */
    public long startMs() {
        return startMs;
    }

    /** Event-time length of the run. */
    public Duration duration() {
        return duration;
    }

    /** End of the run, epoch ms (exclusive). */
    public long endMs() {
        return startMs + duration.toMillis();
    }

    /** Mean entry requests per second of event time, averaged over a day. */
    public double baseRequestRate() {
        return baseRequestRate;
    }

    /** Ratio of the daily peak request rate to the daily trough. */
    public double peakToTrough() {
        return peakToTrough;
    }

    /** UTC hour of day (0..24) of the daily peak; the trough is 12 h later. */
    public double peakHourUtc() {
        return peakHourUtc;
    }

    /** Standard deviation of the per-minute log-normal noise on the request rate. */
    public double rateNoise() {
        return rateNoise;
    }

    /** Probability that any server span fails on its own (no incident). */
    public double baselineErrorRate() {
        return baselineErrorRate;
    }

    /** Probability that a caller fails when its callee fails; otherwise it retries the call once. */
    public double errorPropagation() {
        return errorPropagation;
    }

    /** Probability that an operation's own latency falls in the heavy tail. */
    public double tailProbability() {
        return tailProbability;
    }

    /** Fraction of successful server spans that write an INFO log line. */
    public double infoLogFraction() {
        return infoLogFraction;
    }

    /** Event-time interval between gauge samples of each service. */
    public long metricIntervalMs() {
        return metricIntervalMs;
    }

    /** Records reach the sink at most this many ms of event time out of order. */
    public long maxOutOfOrdernessMs() {
        return maxOutOfOrdernessMs;
    }

    /** How long a request waits before timing out under SATURATION. */
    public long timeoutMs() {
        return timeoutMs;
    }

    /** Injected faults, the ground truth. */
    public List<Incident> incidents() {
        return incidents;
    }

    /** Malformed records spread evenly over the run, for the dead-letter path. */
    public int badRecordCount() {
        return badRecordCount;
    }

    /**
     * Event-time seconds per wall-clock second; {@code 0} (the default) means as fast as possible.
     */
    public double speedFactor() {
        return speedFactor;
    }

    /** The simulated system. */
    public Topology topology() {
        return topology;
    }

    @Override
    public String toString() {
        return "SimulatorConfig{scenario=" + scenarioName + ", seed=" + seed + ", startMs=" + startMs + ", duration="
                + duration + ", baseRequestRate=" + baseRequestRate + ", incidents=" + incidents + ", badRecordCount="
                + badRecordCount + ", speedFactor=" + speedFactor + "}";
    }

    /** Builder with the documented defaults; {@link #build()} validates. */
    public static final class Builder {
        private String scenarioName = "custom";
        private long seed = 42L;
        private long startMs = DEFAULT_START_MS;
        private Duration duration = Duration.ofHours(1);
        private double baseRequestRate = 20.0;
        private double peakToTrough = 2.0;
        private double peakHourUtc = 15.0;
        private double rateNoise = 0.05;
        private double baselineErrorRate = 0.00005;
        private double errorPropagation = 0.9;
        private double tailProbability = 0.01;
        private double infoLogFraction = 0.1;
        private long metricIntervalMs = 10_000L;
        private long maxOutOfOrdernessMs = 1_000L;
        private long timeoutMs = 3_000L;
        private List<Incident> incidents = new ArrayList<>();
        private int badRecordCount = 0;
        private double speedFactor = 0.0;
        private Topology topology = Topology.standard();
        private boolean spanStatus = true;
        private boolean statusCodes = true;
        private boolean ownErrorLogs = true;

        private Builder() {
        }

        public Builder scenarioName(String v) {
            this.scenarioName = Objects.requireNonNull(v, "scenarioName");
            return this;
        }

        public Builder seed(long v) {
            this.seed = v;
            return this;
        }

        public Builder startMs(long v) {
            this.startMs = v;
            return this;
        }

        public Builder duration(Duration v) {
            this.duration = Objects.requireNonNull(v, "duration");
            return this;
        }

        public Builder baseRequestRate(double v) {
            this.baseRequestRate = v;
            return this;
        }

        public Builder peakToTrough(double v) {
            this.peakToTrough = v;
            return this;
        }

        public Builder peakHourUtc(double v) {
            this.peakHourUtc = v;
            return this;
        }

        public Builder rateNoise(double v) {
            this.rateNoise = v;
            return this;
        }

        public Builder baselineErrorRate(double v) {
            this.baselineErrorRate = v;
            return this;
        }

        public Builder errorPropagation(double v) {
            this.errorPropagation = v;
            return this;
        }

        public Builder tailProbability(double v) {
            this.tailProbability = v;
            return this;
        }

        public Builder infoLogFraction(double v) {
            this.infoLogFraction = v;
            return this;
        }

        public Builder metricIntervalMs(long v) {
            this.metricIntervalMs = v;
            return this;
        }

        public Builder maxOutOfOrdernessMs(long v) {
            this.maxOutOfOrdernessMs = v;
            return this;
        }

        public Builder timeoutMs(long v) {
            this.timeoutMs = v;
            return this;
        }

        /** Replaces the incident list. */
        public Builder incidents(List<Incident> v) {
            this.incidents = new ArrayList<>(v);
            return this;
        }

        /** Adds one incident. */
        public Builder incident(Incident v) {
            this.incidents.add(Objects.requireNonNull(v, "incident"));
            return this;
        }

        public Builder badRecordCount(int v) {
            this.badRecordCount = v;
            return this;
        }

        /** Event-time seconds per wall second; 0 = as fast as possible. */
        public Builder speedFactor(double v) {
            this.speedFactor = v;
            return this;
        }

        public Builder spanStatus(boolean v) {
            this.spanStatus = v;
            return this;
        }

        public Builder statusCodes(boolean v) {
            this.statusCodes = v;
            return this;
        }

        public Builder ownErrorLogs(boolean v) {
            this.ownErrorLogs = v;
            return this;
        }

        public Builder topology(Topology v) {
            this.topology = Objects.requireNonNull(v, "topology");
            return this;
        }

        /** Validates every setting and builds the config. */
        public SimulatorConfig build() {
            require(!duration.isNegative() && !duration.isZero(), "duration must be > 0, was " + duration);
            require(duration.toMillis() % 1000 == 0, "duration must be whole seconds, was " + duration);
            require(baseRequestRate > 0 && baseRequestRate <= 100_000, "baseRequestRate must be in (0, 100000], was " + baseRequestRate);
            require(peakToTrough >= 1 && Double.isFinite(peakToTrough), "peakToTrough must be >= 1, was " + peakToTrough);
            require(peakHourUtc >= 0 && peakHourUtc <= 24, "peakHourUtc must be in [0, 24], was " + peakHourUtc);
            require(rateNoise >= 0 && rateNoise <= 1, "rateNoise must be in [0, 1], was " + rateNoise);
            require(baselineErrorRate >= 0 && baselineErrorRate < 1, "baselineErrorRate must be in [0, 1), was " + baselineErrorRate);
            require(errorPropagation >= 0 && errorPropagation <= 1, "errorPropagation must be in [0, 1], was " + errorPropagation);
            require(tailProbability >= 0 && tailProbability <= 1, "tailProbability must be in [0, 1], was " + tailProbability);
            require(infoLogFraction >= 0 && infoLogFraction <= 1, "infoLogFraction must be in [0, 1], was " + infoLogFraction);
            require(metricIntervalMs >= 1000 && metricIntervalMs % 1000 == 0,
                    "metricIntervalMs must be a whole number of seconds >= 1000, was " + metricIntervalMs);
            require(maxOutOfOrdernessMs >= 0 && maxOutOfOrdernessMs <= 60_000,
                    "maxOutOfOrdernessMs must be in [0, 60000], was " + maxOutOfOrdernessMs);
            require(timeoutMs > 0, "timeoutMs must be > 0, was " + timeoutMs);
            require(badRecordCount >= 0, "badRecordCount must be >= 0, was " + badRecordCount);
            require(speedFactor >= 0 && Double.isFinite(speedFactor), "speedFactor must be >= 0 (0 = max), was " + speedFactor);
            for (Incident i : incidents) {
                require(topology.hasService(i.service()),
                        "incident in unknown service " + i.service() + "; known: " + topology.serviceNames());
            }
            return new SimulatorConfig(this);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
