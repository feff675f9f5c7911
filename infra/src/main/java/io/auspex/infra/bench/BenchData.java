package io.auspex.infra.bench;

import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.sim.KafkaTelemetryProducer;
import io.auspex.infra.sim.SimulationResult;
import io.auspex.infra.sim.SimulatorConfig;
import io.auspex.infra.sim.TelemetrySimulator;
import io.auspex.infra.sim.TelemetrySink;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.infra.sim.Topology;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * The bench's input, written once: the simulator's telemetry (the standard topology, copied
 * {@code copies} times, flat traffic without the daily shape or incidents) as OTLP protobuf
 * batches on the Collector's default topics, exactly {@code records} records (spans, gauge
 * samples and logs), event time ending a few minutes before now so the pipeline's timestamp
 * checks accept every record.
 */
public final class BenchData {
    /** The simulated shop has this many services; {@code --services} is rounded up to a multiple of it. */
    public static final int SHOP_SERVICES = Topology.standard().serviceNames().size();
    private static final Duration CALIBRATION = Duration.ofMinutes(2);
    private static final Duration MAX_EVENT_TIME = Duration.ofDays(6);

    /**
     * What was loaded.
     *
     * @param spans spans on the spans topic
     * @param servedSpans of them SERVER and CONSUMER spans (the pipeline's requests)
     * @param metrics gauge samples
     * @param logs log records
     * @param services distinct service names
     * @param eventStartMs first event time
     * @param eventTime event time covered
     * @param batches Kafka records (OTLP batches) written
     * @param endOffsets end offset of every partition of the three topics after the load
     * @param wallNanos time the load took
     */
    public record Loaded(long spans, long servedSpans, long metrics, long logs, int services, long eventStartMs,
            Duration eventTime, long batches, Map<TopicPartition, Long> endOffsets, long wallNanos) {
        public long records() {
            return spans + metrics + logs;
        }
    }

    private BenchData() {}

    /** The records asked for would need more event time than the timestamp checks accept. */
    public static final class TooMuchEventTime extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TooMuchEventTime(String message) {
            super(message);
        }
    }

    /** The simulator config of a load: flat traffic at {@code requestRate} entry requests per second. */
    static SimulatorConfig scenario(long seed, double requestRate, long startMs, Duration duration) {
        return SimulatorConfig.builder().scenarioName("bench").seed(seed).startMs(startMs).duration(duration)
                .baseRequestRate(requestRate).peakToTrough(1.0).build();
    }

    /**
     * Creates the three OTLP topics with {@code partitions} partitions and writes the records.
     *
     * @param progress hears the number of records handed to the producer, about every 10,000
     */
    public static Loaded load(EmbeddedKafka kafka, long records, int copies, double requestRate, long seed,
            int partitions, LongConsumer progress) throws Exception {
        long t0 = System.nanoTime();
        TelemetryTopics topics = TelemetryTopics.DEFAULTS;
        kafka.createTopics(partitions, topics.all());
        List<String> services = Topology.standard().serviceNames();

        // records per second of event time, from a short run into a counter
        long now = System.currentTimeMillis();
        RecordLimit probe = new RecordLimit(TelemetrySink.discard(), Long.MAX_VALUE);
        new TelemetrySimulator(scenario(seed, requestRate, now - CALIBRATION.toMillis(), CALIBRATION))
                .run(new ServiceCopies(probe, copies, services));
        double perSecond = probe.records() / (double) CALIBRATION.toSeconds();
        long seconds = (long) Math.ceil(records / perSecond * 1.2) + 60;
        if (seconds > MAX_EVENT_TIME.toSeconds()) {
            throw new TooMuchEventTime(String.format(
                    "%,d records at %.0f records/s of event time need more than %s of event time; raise the request rate",
                    records, perSecond, MAX_EVENT_TIME));
        }
        long startMs = (now - seconds * 1000 - Duration.ofMinutes(5).toMillis()) / 1000 * 1000;
        SimulatorConfig cfg = scenario(seed, requestRate, startMs, Duration.ofSeconds(seconds));

        Map<String, Object> producerOverrides = new HashMap<>();
        // the idempotent producer got stuck retrying on a loaded 2-core machine (docs STACK.md)
        producerOverrides.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        producerOverrides.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        RecordLimit limit;
        long batches;
        long lastEventMs;
        try (KafkaTelemetryProducer producer = new KafkaTelemetryProducer(kafka.bootstrapServers(), topics,
                producerOverrides, KafkaTelemetryProducer.Format.OTLP)) {
            ProgressSink counting = new ProgressSink(producer, progress);
            limit = new RecordLimit(counting, records);
            SimulationResult r = new TelemetrySimulator(cfg).run(new ServiceCopies(limit, copies, services));
            Thread.interrupted(); // the limit stopped the simulator by interrupting this thread
            lastEventMs = r.completed() ? cfg.endMs() : counting.newest;
            producer.flush();
            batches = producer.sent();
        }
        Map<TopicPartition, Long> end = endOffsets(kafka, topics.all());
        return new Loaded(limit.spans, limit.servedSpans, limit.metrics, limit.logs, services.size() * copies, startMs,
                Duration.ofMillis(Math.max(0, lastEventMs - startMs)), batches, end, System.nanoTime() - t0);
    }

    static Map<TopicPartition, Long> endOffsets(EmbeddedKafka kafka, String... topics) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (var d : admin.describeTopics(List.of(topics)).allTopicNames().get(60, TimeUnit.SECONDS).values()) {
                d.partitions().forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
            }
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(request).all().get(60, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }

    /** Counts records on their way to the producer for the progress line, and the newest event time. */
    private static final class ProgressSink implements TelemetrySink {
        long newest = Long.MIN_VALUE;
        private final TelemetrySink next;
        private final LongConsumer progress;
        private long n;

        ProgressSink(TelemetrySink next, LongConsumer progress) {
            this.next = next;
            this.progress = progress;
        }

        private void tick(long eventMs) {
            newest = Math.max(newest, eventMs);
            if (++n % 10_000 == 0) {
                progress.accept(n);
            }
        }

        @Override
        public void span(Span span) {
            next.span(span);
            tick(span.getStartTimeMs());
        }

        @Override
        public void metric(MetricPoint metric) {
            next.metric(metric);
            tick(metric.getTimeMs());
        }

        @Override
        public void log(LogRecord log) {
            next.log(log);
            tick(log.getTimeMs());
        }
    }
}
