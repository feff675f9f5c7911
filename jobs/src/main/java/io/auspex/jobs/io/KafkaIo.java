package io.auspex.jobs.io;

import io.auspex.jobs.PipelineIo;
import io.auspex.jobs.config.KafkaClientProperties;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.decode.InputFormat;
import io.auspex.jobs.decode.Limits;
import io.auspex.jobs.decode.MessageDecoder;
import io.auspex.jobs.decode.TelemetryDecoder;
import io.auspex.jobs.decode.otlp.OtlpDecoder;
import io.auspex.jobs.decode.otlp.OtlpSettings;
import io.auspex.jobs.decode.TelemetryDeserializer;
import io.auspex.schemas.Alert;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.RecordIds;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SloStatus;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Builds the job's Kafka sources and sinks from the validated configuration. Each gets the
 * {@code auspex.kafka.properties.*} client settings; on the sinks they win over the tuning set here.
 */
public final class KafkaIo {
    /** Must stay below the broker's transaction.max.timeout.ms (15 min by default). */
    static final String TRANSACTION_TIMEOUT_MS = "600000";

    private KafkaIo() {}

    public static KafkaSource<Telemetry> source(PipelineConfig cfg, TelemetryDecoder.Kind kind) {
        String topic = switch (kind) {
            case SPAN -> cfg.get(AuspexOptions.SPANS_TOPIC);
            case METRIC -> cfg.get(AuspexOptions.METRICS_TOPIC);
            case LOG -> cfg.get(AuspexOptions.LOGS_TOPIC);
        };
        MessageDecoder decoder = decoder(cfg, kind);
        KafkaSourceBuilder<Telemetry> b = KafkaSource.<Telemetry>builder()
                .setBootstrapServers(cfg.get(AuspexOptions.BOOTSTRAP_SERVERS))
                .setTopics(topic)
                .setProperties(KafkaClientProperties.of(cfg))
                .setGroupId(cfg.get(AuspexOptions.GROUP_ID))
                .setStartingOffsets(OffsetsInitializer.committedOffsets(cfg.get(AuspexOptions.FROM_EARLIEST)
                        ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST))
                .setDeserializer(new TelemetryDeserializer(decoder, cfg.get(AuspexOptions.CONTAIN_OPERATOR_ERRORS)))
                .setProperty("isolation.level", "read_committed");
        if (cfg.get(AuspexOptions.BOUNDED)) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /** The job's Kafka sources and sinks (the alert sink exactly-once, the others at-least-once). */
    public static PipelineIo pipelineIo(PipelineConfig cfg) {
        return new PipelineIo(
                source(cfg, TelemetryDecoder.Kind.SPAN),
                source(cfg, TelemetryDecoder.Kind.METRIC),
                source(cfg, TelemetryDecoder.Kind.LOG),
                sink(cfg, cfg.get(AuspexOptions.DLQ_TOPIC), DeadLetter.class, DeadLetter::getSourceTopic, RecordIds::of),
                sink(cfg, cfg.get(AuspexOptions.SIGNALS_TOPIC), ServiceSignals.class, ServiceSignals::getServiceName,
                        RecordIds::of),
                sink(cfg, cfg.get(AuspexOptions.SLO_STATUS_TOPIC), SloStatus.class, SloStatus::getSlo, RecordIds::of),
                exactlyOnceSink(cfg, cfg.get(AuspexOptions.ALERTS_TOPIC), Alert.class, Alert::getFingerprint));
    }

    /** The decoder of one input topic, by its configured format. */
    public static MessageDecoder decoder(PipelineConfig cfg, TelemetryDecoder.Kind kind) {
        InputFormat format = InputFormat.parse(cfg.get(switch (kind) {
            case SPAN -> AuspexOptions.SPANS_FORMAT;
            case METRIC -> AuspexOptions.METRICS_FORMAT;
            case LOG -> AuspexOptions.LOGS_FORMAT;
        }));
        long skew = cfg.get(AuspexOptions.MAX_FUTURE_SKEW).toMillis();
        long age = cfg.get(AuspexOptions.MAX_AGE).toMillis();
        Limits limits = limits(cfg);
        return format == InputFormat.AVRO ? new TelemetryDecoder(kind, skew, age, limits)
                : new OtlpDecoder(kind, format, skew, age, new OtlpSettings(
                        cfg.get(AuspexOptions.OTLP_SERVICE_NAMESPACE)), limits);
    }

    /** The limits at the door, the same for every input format ({@code auspex.limits.*}). */
    public static Limits limits(PipelineConfig cfg) {
        return new Limits(cfg.get(AuspexOptions.MAX_SERVICE_NAME_LENGTH), cfg.get(AuspexOptions.MAX_NAME_LENGTH),
                cfg.get(AuspexOptions.MAX_ATTRIBUTE_VALUE_LENGTH), cfg.get(AuspexOptions.MAX_ATTRIBUTES),
                cfg.get(AuspexOptions.MAX_LOG_BODY_LENGTH), cfg.get(AuspexOptions.MAX_SPAN_DURATION).toNanos() / 1000L,
                cfg.get(AuspexOptions.MAX_UTILIZATION), java.util.Set.copyOf(cfg.get(AuspexOptions.SATURATION_METRICS)));
    }

    /**
     * An at-least-once sink (signals, status, dead letters): a restore may write records again, each
     * with its stable id ({@link RecordIds}) as a header, for consumers to deduplicate on.
     */
    public static <T extends SpecificRecord> QuietCloseSink<T> sink(PipelineConfig cfg, String topic, Class<T> type,
            AvroKeyedSerializer.KeyOf<T> key, AvroKeyedSerializer.KeyOf<T> id) {
        return new QuietCloseSink<>(KafkaSink.<T>builder()
                .setBootstrapServers(cfg.get(AuspexOptions.BOOTSTRAP_SERVERS))
                .setRecordSerializer(new AvroKeyedSerializer<>(topic, type, key, id))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setProperty("linger.ms", "20")
                .setKafkaProducerConfig(KafkaClientProperties.of(cfg))
                .build());
    }

    /** The exactly-once (transactional) sink: read_committed consumers see each record once. */
    public static <T extends SpecificRecord> QuietCloseSink<T> exactlyOnceSink(PipelineConfig cfg, String topic,
            Class<T> type, AvroKeyedSerializer.KeyOf<T> key) {
        return new QuietCloseSink<>(KafkaSink.<T>builder()
                .setBootstrapServers(cfg.get(AuspexOptions.BOOTSTRAP_SERVERS))
                .setRecordSerializer(new AvroKeyedSerializer<>(topic, type, key))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(cfg.get(AuspexOptions.TRANSACTIONAL_ID_PREFIX))
                .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
                .setKafkaProducerConfig(KafkaClientProperties.of(cfg))
                .build());
    }
}
