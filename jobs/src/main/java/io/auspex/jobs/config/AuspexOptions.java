package io.auspex.jobs.config;

import io.auspex.jobs.anomaly.MetricEvidence;
import io.auspex.jobs.signals.LogTemplateSettings;
import io.auspex.jobs.signals.MetricSignals;
import io.auspex.models.logs.MinerConfig;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of the pipeline job, declared once with key, default and description (named so it
 * does not shadow Flink's own {@code org.apache.flink.configuration.PipelineOptions}).
 */
public final class AuspexOptions {

    private AuspexOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("auspex.kafka.bootstrap-servers")
            .stringType().noDefaultValue()
            .withDescription("Kafka bootstrap servers (required).");

    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("auspex.kafka.group-id")
            .stringType().defaultValue("auspex-pipeline")
            .withDescription("Consumer group id of the input sources.");

    public static final ConfigOption<Duration> STARTUP_CHECK_TIMEOUT = ConfigOptions.key("auspex.kafka.startup-check-timeout")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("Before the job is submitted, a Kafka admin client with the job's client settings asks the "
                    + "cluster to describe itself; wrong credentials or an unreachable cluster fail the start within this "
                    + "time. 0 skips the check.");

    public static final ConfigOption<String> SPANS_TOPIC = ConfigOptions.key("auspex.topics.spans")
            .stringType().defaultValue("otlp_spans")
            .withDescription("Input topic of spans (the Collector's Kafka exporter default).");
    public static final ConfigOption<String> METRICS_TOPIC = ConfigOptions.key("auspex.topics.metrics")
            .stringType().defaultValue("otlp_metrics")
            .withDescription("Input topic of metrics (the Collector's Kafka exporter default).");
    public static final ConfigOption<String> LOGS_TOPIC = ConfigOptions.key("auspex.topics.logs")
            .stringType().defaultValue("otlp_logs")
            .withDescription("Input topic of logs (the Collector's Kafka exporter default).");
    public static final ConfigOption<String> SPANS_FORMAT = ConfigOptions.key("auspex.input.spans.format")
            .stringType().defaultValue("otlp_proto")
            .withDescription("Encoding of the spans topic: otlp_proto (TracesData batches), otlp_json, or avro (one Span per record).");
    public static final ConfigOption<String> METRICS_FORMAT = ConfigOptions.key("auspex.input.metrics.format")
            .stringType().defaultValue("otlp_proto")
            .withDescription("Encoding of the metrics topic: otlp_proto (MetricsData batches), otlp_json, or avro (one MetricPoint per record).");
    public static final ConfigOption<String> LOGS_FORMAT = ConfigOptions.key("auspex.input.logs.format")
            .stringType().defaultValue("otlp_proto")
            .withDescription("Encoding of the logs topic: otlp_proto (LogsData batches), otlp_json, or avro (one LogRecord per record).");
    public static final ConfigOption<Boolean> OTLP_SERVICE_NAMESPACE = ConfigOptions.key("auspex.otlp.service-namespace")
            .booleanType().defaultValue(true)
            .withDescription("Name services 'namespace/name' when the resource has service.namespace (else service.name alone).");
    public static final ConfigOption<String> SIGNALS_TOPIC = ConfigOptions.key("auspex.topics.signals")
            .stringType().defaultValue("telemetry.signals").withDescription("Output topic of ServiceSignals.");
    public static final ConfigOption<String> ALERTS_TOPIC = ConfigOptions.key("auspex.topics.alerts")
            .stringType().defaultValue("telemetry.alerts").withDescription("Output topic of Alerts (exactly-once).");
    public static final ConfigOption<String> SLO_STATUS_TOPIC = ConfigOptions.key("auspex.topics.slo-status")
            .stringType().defaultValue("telemetry.slo-status").withDescription("Output topic of SloStatus records.");
    public static final ConfigOption<String> DLQ_TOPIC = ConfigOptions.key("auspex.topics.dlq")
            .stringType().defaultValue("telemetry.dlq").withDescription("Dead-letter topic.");

    public static final ConfigOption<Boolean> BOUNDED = ConfigOptions.key("auspex.sources.bounded")
            .booleanType().defaultValue(false)
            .withDescription("Stop at the offsets that are latest when the job starts (tests, demo, backfills).");
    public static final ConfigOption<Boolean> FROM_EARLIEST = ConfigOptions.key("auspex.sources.from-earliest")
            .booleanType().defaultValue(false)
            .withDescription("Start from the earliest offsets when the group has no committed offsets (default: latest).");

    public static final ConfigOption<Duration> WINDOW = ConfigOptions.key("auspex.signals.window")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Length of the event-time tumbling window of the golden signals.");
    public static final ConfigOption<List<String>> SATURATION_METRICS = ConfigOptions.key("auspex.signals.saturation-metrics")
            .stringType().asList().defaultValues(MetricSignals.DEFAULT_SATURATION.stream().sorted().toArray(String[]::new))
            .withDescription("Gauges (ratios in [0, 1], or percent) whose max in a window is the saturation signal; semicolon-separated.");
    public static final ConfigOption<List<String>> LATENCY_HISTOGRAMS = ConfigOptions.key("auspex.signals.latency-histograms")
            .stringType().asList().defaultValues(MetricSignals.DEFAULT_LATENCY.stream().sorted().toArray(String[]::new))
            .withDescription("Request-duration histograms that give a service without spans its traffic, errors and latency; semicolon-separated.");
    public static final ConfigOption<Duration> GAUGE_STALENESS = ConfigOptions.key("auspex.signals.gauge-staleness")
            .durationType().defaultValue(Duration.ofMinutes(5))
            .withDescription("A gauge with no sample in a window carries its last value until it is this old (per-minute pod metrics, 10 s windows).");
    public static final ConfigOption<Integer> LOG_TEMPLATE_MAX_LINES = ConfigOptions.key("auspex.signals.log-templates.max-lines")
            .intType().defaultValue(LogTemplateSettings.DEFAULT_MAX_LINES)
            .withDescription("Distinct masked log lines a service's window keeps for template mining (a quarter only for "
                    + "lines first seen at ERROR); the rest count as unlisted. 0 turns log template mining off.");
    public static final ConfigOption<Integer> LOG_TEMPLATE_MAX_TEMPLATES = ConfigOptions.key("auspex.signals.log-templates.max-templates")
            .intType().defaultValue(MinerConfig.DEFAULTS.maxClusters())
            .withDescription("Templates the per-service log template miner keeps; a new one beyond it evicts the least "
                    + "recently seen one-off template (else the least recently seen).");
    public static final ConfigOption<Double> LOG_TEMPLATE_SIMILARITY = ConfigOptions.key("auspex.signals.log-templates.similarity")
            .doubleType().defaultValue(MinerConfig.DEFAULTS.similarity())
            .withDescription("Share of a line's tokens that must equal a template's for the line to join it, in (0, 1].");
    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ConfigOptions.key("auspex.watermarks.out-of-orderness")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("Bounded out-of-orderness of event time.");
    public static final ConfigOption<Duration> IDLENESS = ConfigOptions.key("auspex.watermarks.idleness")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("A source split with no record for this long (wall time) stops holding back the watermark. Unbounded sources only: a bounded split (auspex.sources.bounded, a replay) ends at its end offset instead and is never taken for idle.");
    public static final ConfigOption<Duration> MAX_FUTURE_SKEW = ConfigOptions.key("auspex.validation.max-future-skew")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("Records whose event time is further ahead of wall time go to the dead-letter topic.");
    public static final ConfigOption<Duration> MAX_AGE = ConfigOptions.key("auspex.validation.max-age")
            .durationType().defaultValue(Duration.ofDays(7))
            .withDescription("Records whose event time is older than this go to the dead-letter topic.");

    public static final ConfigOption<Integer> MAX_SERVICE_NAME_LENGTH = ConfigOptions.key("auspex.limits.max-service-name-length")
            .intType().defaultValue(256)
            .withDescription("Records whose service name is longer (in characters) are dead-lettered as invalid_service; service names are never cut.");
    public static final ConfigOption<Integer> MAX_NAME_LENGTH = ConfigOptions.key("auspex.limits.max-name-length")
            .intType().defaultValue(1024)
            .withDescription("Span (operation) names, metric names, units, attribute keys and severity texts longer than this are cut to it, counted in auspex.limits.truncated.<field>.");
    public static final ConfigOption<Integer> MAX_ATTRIBUTE_VALUE_LENGTH = ConfigOptions.key("auspex.limits.max-attribute-value-length")
            .intType().defaultValue(1024)
            .withDescription("Attribute values longer than this are cut to it, counted.");
    public static final ConfigOption<Integer> MAX_ATTRIBUTES = ConfigOptions.key("auspex.limits.max-attributes")
            .intType().defaultValue(128)
            .withDescription("A record keeps at most this many attributes, the first in key order; the others are left out, counted.");
    public static final ConfigOption<Integer> MAX_LOG_BODY_LENGTH = ConfigOptions.key("auspex.limits.max-log-body-length")
            .intType().defaultValue(16 * 1024)
            .withDescription("Log bodies longer than this (characters) are cut to it, counted.");
    public static final ConfigOption<Duration> MAX_SPAN_DURATION = ConfigOptions.key("auspex.limits.max-span-duration")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("Spans that last longer are dead-lettered as implausible_duration.");
    public static final ConfigOption<Double> MAX_UTILIZATION = ConfigOptions.key("auspex.limits.max-utilization")
            .doubleType().defaultValue(100.0)
            .withDescription("Utilization gauges (the saturation metrics and any *.utilization / *_utilization gauge) below 0 or above this are dead-lettered as out_of_range; ratios are in [0, 1], percent up to 100.");
    public static final ConfigOption<Integer> MAX_SERVICES = ConfigOptions.key("auspex.limits.max-services")
            .intType().defaultValue(10_000)
            .withDescription("Live services the job admits (each subtask its share); records of further new services are dead-lettered as service_limit until services retire (auspex.anomaly.retire-after).");
    public static final ConfigOption<Integer> MAX_CALLERS_PER_SERVICE = ConfigOptions.key("auspex.limits.max-callers-per-service")
            .intType().defaultValue(1_000)
            .withDescription("Callers whose edge into a service root-cause ranking tracks, at most (at least 1); a further new caller's edge stats are refused and counted (auspex.rca.edgesRefused) until an edge leaves (auspex.graph.edge-ttl).");
    public static final ConfigOption<Integer> MAX_OPERATIONS_PER_SERVICE = ConfigOptions.key("auspex.limits.max-operations-per-service")
            .intType().defaultValue(io.auspex.jobs.signals.SignalsAccumulator.MAX_OPERATIONS)
            .withDescription("Operations (span names) a service's signals window lists, at most (0 lists none); the spans of a further new name that window count in the service's signals but in no operation, counted in auspex.signals.unlistedOperationSpans.");
    public static final ConfigOption<Boolean> CONTAIN_OPERATOR_ERRORS = ConfigOptions.key("auspex.limits.contain-operator-errors")
            .booleanType().defaultValue(true)
            .withDescription("A record that makes a decoder, the dead-letter split or the signals window throw is dead-lettered as operator_error (operator and exception in the detail) instead of failing the job.");
    public static final ConfigOption<String> RESTART_STRATEGY = ConfigOptions.key("auspex.restart.strategy")
            .stringType().defaultValue("exponential-delay")
            .withDescription("Restart strategy the job sets for itself: exponential-delay (bounded by auspex.restart.max-attempts), none, or cluster (leave it to the cluster's restart-strategy.* settings).");
    public static final ConfigOption<Integer> RESTART_MAX_ATTEMPTS = ConfigOptions.key("auspex.restart.max-attempts")
            .intType().defaultValue(10)
            .withDescription("Restarts after which the job fails instead of restarting again; counted afresh once the job has run auspex.restart.reset-after without a failure.");
    public static final ConfigOption<Duration> RESTART_INITIAL_BACKOFF = ConfigOptions.key("auspex.restart.initial-backoff")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("Wait before the first restart; doubled at each further one.");
    public static final ConfigOption<Duration> RESTART_MAX_BACKOFF = ConfigOptions.key("auspex.restart.max-backoff")
            .durationType().defaultValue(Duration.ofMinutes(1))
            .withDescription("Longest wait between restarts.");
    public static final ConfigOption<Duration> RESTART_RESET_AFTER = ConfigOptions.key("auspex.restart.reset-after")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("Running this long without a failure resets the backoff and the attempt count.");

    public static final ConfigOption<String> SLO_FILE = ConfigOptions.key("auspex.slo.file")
            .stringType().noDefaultValue()
            .withDescription("Path of the SLO YAML file (required). See docs/slo-reference.md.");
    public static final ConfigOption<Duration> SLO_RELOAD = ConfigOptions.key("auspex.slo.reload-interval")
            .durationType().defaultValue(Duration.ZERO)
            .withDescription("How often the SLO file is re-read; 0 disables reload.");
    public static final ConfigOption<String> MODEL_FILE = ConfigOptions.key("auspex.model.file")
            .stringType().noDefaultValue()
            .withDescription("Path of the model artifact; when unset the bundled default model is used; none runs without a model (the evidence then has no model score).");

    public static final ConfigOption<Double> EVIDENCE_THRESHOLD = ConfigOptions.key("auspex.anomaly.signal-threshold")
            .doubleType().defaultValue(0.8)
            .withDescription("Per-signal anomaly score in [0, 1] at or above which a signal counts as moved.");
    public static final ConfigOption<Double> DETECTOR_THRESHOLD = ConfigOptions.key("auspex.anomaly.detector-threshold")
            .doubleType().defaultValue(0.3)
            .withDescription("Streaming-detector score in [0, 1] at or above which a signal's move begins (onset attribution; 0.3 is the detector's best low-false-positive NAB threshold).");
    public static final ConfigOption<Integer> ANOMALY_ALERT_WINDOWS = ConfigOptions.key("auspex.anomaly.alert-windows")
            .intType().defaultValue(6)
            .withDescription("Consecutive anomalous windows (model above threshold or a signal moved) before an anomaly alert fires; 0 disables anomaly alerts.");
    public static final ConfigOption<Boolean> COUNT_EVIDENCE = ConfigOptions.key("auspex.anomaly.count-evidence")
            .booleanType().defaultValue(true)
            .withDescription("Count-aware evidence: exact binomial and Poisson tests of each window's errors, error log lines and requests over a latency ladder against the service's baselines, accumulated over windows (docs/detector.md); at its bar a service is anomalous at once.");
    public static final ConfigOption<Double> COUNT_EVIDENCE_BAR = ConfigOptions.key("auspex.anomaly.count-evidence-bar")
            .doubleType().defaultValue(8.0)
            .withDescription("Accumulated count evidence (-log10 of p-values, less the drift per window) at which a service is anomalous.");
    public static final ConfigOption<Double> COUNT_EVIDENCE_DRIFT = ConfigOptions.key("auspex.anomaly.count-evidence-drift")
            .doubleType().defaultValue(1.5)
            .withDescription("Surprise (-log10 p, Bonferroni-corrected) a window must exceed to add to the count evidence; below it evidence drains.");
    public static final ConfigOption<Boolean> COUNT_EVIDENCE_TEMPLATES = ConfigOptions.key("auspex.anomaly.count-evidence-templates")
            .booleanType().defaultValue(true)
            .withDescription("Error lines per log template (the signals window's online template mining) are tested as counts of their own in the count evidence; off only to measure what they add.");
    public static final ConfigOption<Boolean> RCA_EDGE_EVIDENCE = ConfigOptions.key("auspex.rca.edge-evidence")
            .booleanType().defaultValue(true)
            .withDescription("A caller->callee edge whose calls wait beyond the callee's spans, or fail, more than its own baseline is evidence on the callee in root-cause ranking; off only to measure what it adds.");
    public static final ConfigOption<Boolean> RCA_EDGE_ERROR_ALERTS = ConfigOptions.key("auspex.rca.edge-error-alerts")
            .booleanType().defaultValue(true)
            .withDescription("A caller->callee edge whose failed calls reach the count-evidence bar (auspex.anomaly.count-evidence-bar: the test of a service's errors, on the edge's calls against its own baseline) gives the callee an EdgeErrors alert of its own (TICKET, rule anomaly, enriched like any alert; resolved once no edge into it has been at the bar for a minute): a service that fails without span status and logs nothing, seen as its callers see it. Needs auspex.anomaly.count-evidence.");
    public static final ConfigOption<Boolean> METRIC_EVIDENCE = ConfigOptions.key("auspex.anomaly.metric-evidence.enabled")
            .booleanType().defaultValue(true)
            .withDescription("Metric evidence: a baseline per gauge and counter a service sends (any name; the include and exclude globs, a bounded number per service), a window scored by how far each is from it; by default it feeds root-cause ranking only (docs/architecture.md).");
    public static final ConfigOption<List<String>> METRIC_EVIDENCE_INCLUDE = ConfigOptions.key("auspex.anomaly.metric-evidence.include")
            .stringType().asList().defaultValues("*")
            .withDescription("Globs of the metric names (gauges and counters) the metric evidence follows (* any characters, ? one); semicolon-separated.");
    public static final ConfigOption<List<String>> METRIC_EVIDENCE_EXCLUDE = ConfigOptions.key("auspex.anomaly.metric-evidence.exclude")
            .stringType().asList().defaultValues()
            .withDescription("Globs of metric names the metric evidence does not follow, though the include globs admit them; semicolon-separated.");
    public static final ConfigOption<Integer> METRIC_EVIDENCE_MAX_METRICS = ConfigOptions.key("auspex.anomaly.metric-evidence.max-metrics")
            .intType().defaultValue(MetricEvidence.DEFAULT_MAX_METRICS)
            .withDescription("Metrics the metric evidence follows per service, the first seen first; further ones are not followed (auspex.anomaly.metricsUnfollowed) until a followed one has had no sample for auspex.anomaly.retire-after.");
    public static final ConfigOption<Boolean> METRIC_EVIDENCE_ALERTS = ConfigOptions.key("auspex.anomaly.metric-evidence.alerts")
            .booleanType().defaultValue(false)
            .withDescription("Metrics that moved count as moved signals of the anomaly alert rule too (off: they feed root-cause ranking only, as many metrics per service would raise false alerts).");
    public static final ConfigOption<Duration> RCA_LOOKBACK = ConfigOptions.key("auspex.rca.lookback")
            .durationType().defaultValue(Duration.ofMinutes(15))
            .withDescription("How far back root-cause ranking looks for anomaly evidence.");
    public static final ConfigOption<Integer> RCA_STATE_CACHE_SERVICES = ConfigOptions.key("auspex.rca.state-cache-services")
            .intType().defaultValue(-1)
            .withDescription("Services per subtask whose root-cause state (the edges into the service, its evidence history, held inputs) the root-cause operator keeps on the heap between checkpoints with RocksDB, instead of reading and writing it in RocksDB on every input and timer. -1: as many as 10% of the JVM's maximum heap holds at 16 KB a service (at least 64); 0: no cache.");
    public static final ConfigOption<Double> RCA_EDGE_ALERT_SURPRISE = ConfigOptions.key("auspex.rca.edge-alert-surprise")
            .doubleType().defaultValue(10.0)
            .withDescription("Wait-ladder surprise (-log10 of the binomial tail, Bonferroni-corrected) of a caller->callee edge at which the callee gets an EdgeWait alert of its own: a delay in front of a quiet service that only its callers see. 0 turns edge alerts off.");
    public static final ConfigOption<Duration> RETIRE_AFTER = ConfigOptions.key("auspex.anomaly.retire-after")
            .durationType().defaultValue(Duration.ofHours(6))
            .withDescription("A service that sends nothing for this long (event time) is retired: its admission slot, its signals state (cumulative series, last gauges, log template miner), its baselines and detector states are dropped.");
    public static final ConfigOption<Integer> STATE_CACHE_SERVICES = ConfigOptions.key("auspex.anomaly.state-cache-services")
            .intType().defaultValue(-1)
            .withDescription("Services per subtask whose evidence state (baselines, onset detectors, count and metric evidence: about 70 KB a service) the evidence operator keeps on the heap between checkpoints with RocksDB, instead of reading and writing it in RocksDB every window. -1: as many as 10% of the JVM's maximum heap holds at 80 KB a service (at least 64); 0: no cache.");
    public static final ConfigOption<Duration> EDGE_TTL = ConfigOptions.key("auspex.graph.edge-ttl")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("A caller-callee edge with no call for this long (event time) leaves the service graph root-cause ranking walks.");
    public static final ConfigOption<Duration> TRACE_TTL = ConfigOptions.key("auspex.graph.trace-ttl")
            .durationType().defaultValue(Duration.ofSeconds(60))
            .withDescription("Event time after a buffered span's start at which the service graph drops it unpaired (its caller or callee span never came).");
    public static final ConfigOption<Integer> GRAPH_MAX_PENDING_SPANS = ConfigOptions.key("auspex.graph.max-pending-spans")
            .intType().defaultValue(200_000)
            .withDescription("Spans the service graph buffers per subtask while they wait for their caller or callee span; beyond it the oldest are dropped (auspex.graph.evictedSpans).");
    public static final ConfigOption<Duration> CALL_ERROR_LOG_WINDOW = ConfigOptions.key("auspex.graph.call-error-log-window")
            .durationType().defaultValue(Duration.ofMillis(100))
            .withDescription("An ERROR log line a service writes in a span (by the line's trace and span id) within this time after a call that span made to another service ended counts as that call failing, when neither span said so and the callee logged no error in that call: a service that fails without span status and logs nothing is seen through its callers' lines. 0 turns it off.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key("auspex.sink.transactional-id-prefix")
            .stringType().defaultValue("auspex-alerts")
            .withDescription("Transactional id prefix of the exactly-once alert sink; unique per job.");
    public static final ConfigOption<Integer> MAX_PARALLELISM = ConfigOptions.key("auspex.max-parallelism")
            .intType().defaultValue(128)
            .withDescription("Max parallelism (number of key groups) of every operator; fixed for the life of the state.");
}
