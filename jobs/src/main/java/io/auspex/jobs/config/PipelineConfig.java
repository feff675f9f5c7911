package io.auspex.jobs.config;

import io.auspex.jobs.anomaly.MetricEvidence;
import io.auspex.jobs.decode.InputFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The validated settings of one pipeline job. Built once in {@code main} from a Flink
 * {@link Configuration}; every problem is reported at start-up with the key that has it.
 *
 * <p>Besides the {@link AuspexOptions}, the keys {@code auspex.kafka.properties.<key>} are Kafka
 * client settings passed to every Kafka source and sink ({@link #kafkaProperties()}); their values
 * may be secrets and appear in no message and not in {@link #toString()}.
 */
public final class PipelineConfig implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final Configuration conf;

    private PipelineConfig(Configuration conf) {
        this.conf = conf;
    }

    /** Validates {@code conf}; throws {@link IllegalArgumentException} naming every bad key. */
    public static PipelineConfig from(Configuration conf) {
        List<String> problems = new ArrayList<>();
        requireString(conf, AuspexOptions.BOOTSTRAP_SERVERS, problems);
        requireString(conf, AuspexOptions.SLO_FILE, problems);
        problems.addAll(KafkaClientProperties.problems(KafkaClientProperties.extract(conf.toMap()),
                KafkaClientProperties.PREFIX));
        notNegative(conf, AuspexOptions.STARTUP_CHECK_TIMEOUT, problems);
        conf.getOptional(AuspexOptions.SLO_FILE).ifPresent(f -> {
            if (!Files.isReadable(Path.of(f))) {
                problems.add(AuspexOptions.SLO_FILE.key() + ": file not readable: " + f);
            }
        });
        conf.getOptional(AuspexOptions.MODEL_FILE).ifPresent(f -> {
            if (!"none".equals(f) && !Files.isReadable(Path.of(f))) {
                problems.add(AuspexOptions.MODEL_FILE.key() + ": file not readable: " + f);
            }
        });
        for (ConfigOption<String> f : List.of(AuspexOptions.SPANS_FORMAT, AuspexOptions.METRICS_FORMAT,
                AuspexOptions.LOGS_FORMAT)) {
            try {
                InputFormat.parse(conf.get(f));
            } catch (IllegalArgumentException e) {
                problems.add(f.key() + ": " + e.getMessage());
            }
        }
        positive(conf, AuspexOptions.WINDOW, problems);
        notNegative(conf, AuspexOptions.GAUGE_STALENESS, problems);
        notNegative(conf, AuspexOptions.OUT_OF_ORDERNESS, problems);
        positive(conf, AuspexOptions.IDLENESS, problems);
        positive(conf, AuspexOptions.MAX_FUTURE_SKEW, problems);
        positive(conf, AuspexOptions.MAX_AGE, problems);
        notNegative(conf, AuspexOptions.SLO_RELOAD, problems);
        positive(conf, AuspexOptions.RCA_LOOKBACK, problems);
        positive(conf, AuspexOptions.TRACE_TTL, problems);
        notNegative(conf, AuspexOptions.CALL_ERROR_LOG_WINDOW, problems);
        positive(conf, AuspexOptions.RETIRE_AFTER, problems);
        positive(conf, AuspexOptions.EDGE_TTL, problems);
        double edgeAlert = conf.get(AuspexOptions.RCA_EDGE_ALERT_SURPRISE);
        if (!(edgeAlert >= 0) || Double.isInfinite(edgeAlert)) {
            problems.add(AuspexOptions.RCA_EDGE_ALERT_SURPRISE.key() + ": must be a number >= 0 (0 turns edge alerts off), was "
                    + edgeAlert);
        }
        if (conf.get(AuspexOptions.LOG_TEMPLATE_MAX_LINES) < 0) {
            problems.add(AuspexOptions.LOG_TEMPLATE_MAX_LINES.key() + ": must be >= 0");
        }
        if (conf.get(AuspexOptions.LOG_TEMPLATE_MAX_TEMPLATES) < 1) {
            problems.add(AuspexOptions.LOG_TEMPLATE_MAX_TEMPLATES.key() + ": must be >= 1");
        }
        double sim = conf.get(AuspexOptions.LOG_TEMPLATE_SIMILARITY);
        if (!(sim > 0 && sim <= 1)) {
            problems.add(AuspexOptions.LOG_TEMPLATE_SIMILARITY.key() + ": must be in (0, 1], was " + sim);
        }
        for (ConfigOption<Integer> o : List.of(AuspexOptions.MAX_SERVICE_NAME_LENGTH, AuspexOptions.MAX_NAME_LENGTH,
                AuspexOptions.MAX_ATTRIBUTE_VALUE_LENGTH, AuspexOptions.MAX_SERVICES,
                AuspexOptions.GRAPH_MAX_PENDING_SPANS)) {
            if (conf.get(o) < 1) {
                problems.add(o.key() + ": must be >= 1, was " + conf.get(o));
            }
        }
        for (ConfigOption<Integer> o : List.of(AuspexOptions.MAX_ATTRIBUTES, AuspexOptions.MAX_LOG_BODY_LENGTH,
                AuspexOptions.RESTART_MAX_ATTEMPTS, AuspexOptions.MAX_OPERATIONS_PER_SERVICE)) {
            if (conf.get(o) < 0) {
                problems.add(o.key() + ": must be >= 0, was " + conf.get(o));
            }
        }
        positive(conf, AuspexOptions.MAX_SPAN_DURATION, problems);
        positive(conf, AuspexOptions.RESTART_INITIAL_BACKOFF, problems);
        positive(conf, AuspexOptions.RESTART_MAX_BACKOFF, problems);
        positive(conf, AuspexOptions.RESTART_RESET_AFTER, problems);
        if (!(conf.get(AuspexOptions.MAX_UTILIZATION) > 0)) {
            problems.add(AuspexOptions.MAX_UTILIZATION.key() + ": must be > 0, was " + conf.get(AuspexOptions.MAX_UTILIZATION));
        }
        if (!List.of("exponential-delay", "none", "cluster").contains(conf.get(AuspexOptions.RESTART_STRATEGY))) {
            problems.add(AuspexOptions.RESTART_STRATEGY.key() + ": must be exponential-delay, none or cluster, was "
                    + conf.get(AuspexOptions.RESTART_STRATEGY));
        }
        double th = conf.get(AuspexOptions.EVIDENCE_THRESHOLD);
        if (!(th > 0 && th <= 1)) {
            problems.add(AuspexOptions.EVIDENCE_THRESHOLD.key() + ": must be in (0, 1], was " + th);
        }
        double dt = conf.get(AuspexOptions.DETECTOR_THRESHOLD);
        if (!(dt > 0 && dt < 1)) {
            problems.add(AuspexOptions.DETECTOR_THRESHOLD.key() + ": must be in (0, 1), was " + dt);
        }
        for (ConfigOption<List<String>> o : List.of(AuspexOptions.METRIC_EVIDENCE_INCLUDE,
                AuspexOptions.METRIC_EVIDENCE_EXCLUDE)) {
            for (String glob : conf.get(o)) {
                String p = MetricEvidence.globProblem(glob);
                if (p != null) {
                    problems.add(o.key() + ": " + p);
                }
            }
        }
        int maxMetrics = conf.get(AuspexOptions.METRIC_EVIDENCE_MAX_METRICS);
        if (maxMetrics < 1 || maxMetrics > MetricEvidence.MAX_METRICS_LIMIT) {
            problems.add(AuspexOptions.METRIC_EVIDENCE_MAX_METRICS.key() + ": must be in 1.."
                    + MetricEvidence.MAX_METRICS_LIMIT + ", was " + maxMetrics);
        }
        if (conf.get(AuspexOptions.ANOMALY_ALERT_WINDOWS) < 0) {
            problems.add(AuspexOptions.ANOMALY_ALERT_WINDOWS.key() + ": must be >= 0");
        }
        int maxPar = conf.get(AuspexOptions.MAX_PARALLELISM);
        if (maxPar < 1 || maxPar > 32768) {
            problems.add(AuspexOptions.MAX_PARALLELISM.key() + ": must be in 1..32768, was " + maxPar);
        }
        long windowMs = conf.get(AuspexOptions.WINDOW).toMillis();
        if (windowMs > 0 && 60_000 % windowMs != 0) {
            problems.add(AuspexOptions.WINDOW.key() + ": must divide one minute evenly (SLO minute buckets), was "
                    + conf.get(AuspexOptions.WINDOW));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid pipeline configuration:\n  " + String.join("\n  ", problems));
        }
        return new PipelineConfig(conf);
    }

    private static void requireString(Configuration conf, ConfigOption<String> opt, List<String> problems) {
        String v = conf.get(opt);
        if (v == null || v.isBlank()) {
            problems.add(opt.key() + ": required, not set");
        }
    }

    private static void positive(Configuration conf, ConfigOption<Duration> opt, List<String> problems) {
        Duration d = conf.get(opt);
        if (d.isZero() || d.isNegative()) {
            problems.add(opt.key() + ": must be > 0, was " + d);
        }
    }

    private static void notNegative(Configuration conf, ConfigOption<Duration> opt, List<String> problems) {
        if (conf.get(opt).isNegative()) {
            problems.add(opt.key() + ": must be >= 0, was " + conf.get(opt));
        }
    }

    /**
     * The Flink {@code restart-strategy.*} settings the job sets for itself (they win over the
     * cluster's): exponential delay, bounded by {@code auspex.restart.max-attempts}, with jitter so
     * several jobs do not restart in step; {@code restart-strategy.type: none}; or nothing for
     * {@code cluster}.
     */
    public Configuration restartConfiguration() {
        Configuration c = new Configuration();
        switch (conf.get(AuspexOptions.RESTART_STRATEGY)) {
            case "none" -> c.setString("restart-strategy.type", "none");
            case "exponential-delay" -> {
                c.setString("restart-strategy.type", "exponential-delay");
                c.setString("restart-strategy.exponential-delay.initial-backoff",
                        conf.get(AuspexOptions.RESTART_INITIAL_BACKOFF).toMillis() + " ms");
                c.setString("restart-strategy.exponential-delay.max-backoff",
                        conf.get(AuspexOptions.RESTART_MAX_BACKOFF).toMillis() + " ms");
                c.setString("restart-strategy.exponential-delay.backoff-multiplier", "2.0");
                c.setString("restart-strategy.exponential-delay.reset-backoff-threshold",
                        conf.get(AuspexOptions.RESTART_RESET_AFTER).toMillis() + " ms");
                c.setString("restart-strategy.exponential-delay.jitter-factor", "0.1");
                c.setString("restart-strategy.exponential-delay.attempts-before-reset-backoff",
                        Integer.toString(conf.get(AuspexOptions.RESTART_MAX_ATTEMPTS)));
            }
            default -> {
                // cluster: the cluster's restart-strategy.* settings apply
            }
        }
        return c;
    }

    public <T> T get(ConfigOption<T> option) {
        return conf.get(option);
    }

    public Configuration configuration() {
        return new Configuration(conf);
    }

    /** The {@code auspex.kafka.properties.*} settings, prefix removed: Kafka client keys and values. */
    public Map<String, String> kafkaProperties() {
        return KafkaClientProperties.extract(conf.toMap());
    }

    /** Every setting, with the values of the Kafka client settings hidden. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>(conf.toMap());
        shown.replaceAll((k, v) -> k.startsWith(KafkaClientProperties.PREFIX) ? "(hidden)" : v);
        return "PipelineConfig" + shown;
    }
}
