package io.auspex.infra.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.cli.AuspexCli;
import io.auspex.infra.kafka.EmbeddedKafka;
import io.auspex.infra.runtime.LocalPipeline;
import io.auspex.infra.runtime.TopicReader;
import io.auspex.infra.sim.KafkaTelemetryProducer;
import io.auspex.infra.sim.TelemetryTopics;
import io.auspex.jobs.config.KafkaClientProperties;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.decode.EventTime;
import io.auspex.jobs.decode.SpanOnly;
import io.auspex.jobs.decode.TelemetryDecoder;
import io.auspex.jobs.io.KafkaIo;
import io.auspex.jobs.io.KafkaStartupCheck;
import io.auspex.models.training.SignalsFile;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's Kafka clients against a broker whose only client listener is SASL_PLAINTEXT with the
 * PLAIN mechanism: with the right {@code auspex.kafka.properties.*} the sources and both kinds of
 * sink read and write; with wrong ones the start fails at once, naming authentication.
 */
class SecuredKafkaTest {
    static final String USER = "alice";
    static final String PASSWORD = "alice-Secret-7f3a";
    static final String WRONG_PASSWORD = "not-alices-Password-91c2";
    static final String IN = "sasl.spans";
    static final String OUT_AT_LEAST_ONCE = "sasl.out.at-least-once";
    static final String OUT_EXACTLY_ONCE = "sasl.out.exactly-once";

    static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.startSaslPlain(Map.of(USER, PASSWORD));
        kafka.createTopics(IN, OUT_AT_LEAST_ONCE, OUT_EXACTLY_ONCE, "sasl.metrics", "sasl.logs",
                AuspexOptions.SIGNALS_TOPIC.defaultValue());
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    /** The job's settings: every key of {@code client} under {@code auspex.kafka.properties.}. */
    static Map<String, String> jobSettings(Path dir, Map<String, String> client) {
        Map<String, String> m = new HashMap<>();
        m.put(AuspexOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        m.put(AuspexOptions.SLO_FILE.key(), LocalPipeline.defaultSloFile(dir).toString());
        m.put(AuspexOptions.SPANS_TOPIC.key(), IN);
        m.put(AuspexOptions.SPANS_FORMAT.key(), "avro");
        m.put(AuspexOptions.METRICS_TOPIC.key(), "sasl.metrics");
        m.put(AuspexOptions.LOGS_TOPIC.key(), "sasl.logs");
        m.put(AuspexOptions.BOUNDED.key(), "true");
        m.put(AuspexOptions.FROM_EARLIEST.key(), "true");
        m.put(AuspexOptions.GROUP_ID.key(), "sasl-test-" + dir.getFileName());
        m.put(AuspexOptions.TRANSACTIONAL_ID_PREFIX.key(), "sasl-test-" + dir.getFileName());
        client.forEach((k, v) -> m.put(KafkaClientProperties.PREFIX + k, v));
        return m;
    }

    static List<Span> spans(int n) {
        long now = System.currentTimeMillis();
        List<Span> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Span.newBuilder().setTraceId(String.format("%032x", 0xa000 + i)).setSpanId(String.format("%016x", i + 1))
                    .setParentSpanId(null).setServiceName("checkout").setName("GET /cart").setKind(SpanKind.SERVER)
                    .setStartTimeMs(now - 60_000 + i).setDurationUs(1_000 + i).setStatusCode(StatusCode.OK)
                    .setHttpStatusCode(200).setAttributes(Map.of()).build());
        }
        return out;
    }

    static Set<String> spanIds(List<Span> spans) {
        Set<String> ids = new HashSet<>();
        spans.forEach(s -> ids.add(s.getSpanId()));
        return ids;
    }

    static List<Span> readAll(String topic) {
        List<Span> got = new ArrayList<>();
        try (TopicReader<Span> reader = new TopicReader<>(kafka.bootstrapServers(),
                EmbeddedKafka.saslPlainClientProperties(USER, PASSWORD), topic, Span.class)) {
            reader.readToEnd(Duration.ofMillis(500), got::add);
        }
        return got;
    }

    @Test
    void withTheRightCredentialsKafkaIoSourcesAndSinksReadAndWrite(@TempDir Path dir) throws Exception {
        Map<String, String> alice = EmbeddedKafka.saslPlainClientProperties(USER, PASSWORD);
        List<Span> sent = spans(40);
        try (KafkaTelemetryProducer producer = new KafkaTelemetryProducer(kafka.bootstrapServers(),
                new TelemetryTopics(IN, "sasl.metrics", "sasl.logs"), new HashMap<>(alice),
                KafkaTelemetryProducer.Format.AVRO)) {
            sent.forEach(producer::span);
            producer.flush();
        }

        PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(jobSettings(dir, alice)));
        assertEquals(alice, cfg.kafkaProperties());
        assertFalse(cfg.toString().contains(PASSWORD), cfg::toString);
        assertFalse(KafkaStartupCheck.verify(cfg.get(AuspexOptions.BOOTSTRAP_SERVERS), cfg.kafkaProperties(),
                Duration.ofSeconds(30)).isBlank());

        Configuration flink = new Configuration();
        flink.setString("execution.checkpointing.interval", "500 ms");
        flink.setString("rest.bind-port", "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(2);
        DataStream<Span> in = env.fromSource(KafkaIo.source(cfg, TelemetryDecoder.Kind.SPAN),
                EventTime.strategy(Duration.ofSeconds(5), Duration.ofSeconds(30)), "sasl-source")
                .flatMap(new SpanOnly());
        in.sinkTo(KafkaIo.sink(cfg, OUT_AT_LEAST_ONCE, Span.class, Span::getTraceId, null));
        in.sinkTo(KafkaIo.exactlyOnceSink(cfg, OUT_EXACTLY_ONCE, Span.class, Span::getTraceId));
        JobClient job = env.executeAsync("sasl-kafka-io");
        try {
            job.getJobExecutionResult().get(2, TimeUnit.MINUTES);
        } catch (TimeoutException e) {
            job.cancel();
            throw e;
        }

        assertEquals(spanIds(sent), spanIds(readAll(OUT_AT_LEAST_ONCE)));
        List<Span> exactlyOnce = readAll(OUT_EXACTLY_ONCE);
        assertEquals(sent.size(), exactlyOnce.size());
        assertEquals(spanIds(sent), spanIds(exactlyOnce));
    }

    @Test
    void withAWrongPasswordTheLocalPipelineFailsAtStartNamingAuthentication(@TempDir Path dir) {
        Map<String, String> overrides = new HashMap<>();
        EmbeddedKafka.saslPlainClientProperties(USER, WRONG_PASSWORD)
                .forEach((k, v) -> overrides.put(KafkaClientProperties.PREFIX + k, v));
        long start = System.nanoTime();
        KafkaStartupCheck.Failure e = assertThrows(KafkaStartupCheck.Failure.class, () -> LocalPipeline.start(
                kafka.bootstrapServers(), LocalPipeline.defaultSloFile(dir), dir, overrides));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals("Kafka authentication failed for bootstrap servers " + kafka.bootstrapServers()
                + ": Authentication failed: Invalid username or password", e.getMessage());
        assertFalse(e.getMessage().contains(WRONG_PASSWORD));
        assertTrue(seconds < 15, "took " + seconds + " s");
    }

    @Test
    void aMechanismTheBrokerDoesNotOfferFailsNamingAuthentication() {
        Map<String, String> scram = new HashMap<>(EmbeddedKafka.saslPlainClientProperties(USER, PASSWORD));
        scram.put("sasl.mechanism", "SCRAM-SHA-256");
        scram.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + USER + "\" password=\"" + PASSWORD + "\";");
        KafkaStartupCheck.Failure e = assertThrows(KafkaStartupCheck.Failure.class,
                () -> KafkaStartupCheck.verify(kafka.bootstrapServers(), scram, Duration.ofSeconds(30)));
        assertEquals("Kafka authentication failed for bootstrap servers " + kafka.bootstrapServers()
                + ": Client SASL mechanism 'SCRAM-SHA-256' not enabled in the server, enabled mechanisms are [PLAIN]",
                e.getMessage());
    }

    @Test
    void aPlaintextClientOnTheSaslListenerFailsWithinTheCheckTimeoutInsteadOfHanging(@TempDir Path dir) {
        Map<String, String> settings = jobSettings(dir, Map.of());
        settings.put(AuspexOptions.STARTUP_CHECK_TIMEOUT.key(), "3 s");
        PipelineConfig cfg = PipelineConfig.from(Configuration.fromMap(settings));
        long start = System.nanoTime();
        KafkaStartupCheck.Failure e = assertThrows(KafkaStartupCheck.Failure.class, () -> KafkaStartupCheck.verify(cfg));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals("Kafka did not answer at bootstrap servers " + kafka.bootstrapServers()
                + " within 3000 ms (is it reachable, and does security.protocol match its listener?)", e.getMessage());
        assertTrue(seconds < 15, "took " + seconds + " s");
    }

    static String[] kafkaProperties(String password) {
        return new String[] {"--bootstrap-servers", kafka.bootstrapServers(),
            "--kafka-property", "security.protocol=SASL_PLAINTEXT", "--kafka-property", "sasl.mechanism=PLAIN",
            "--kafka-property", "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                    + "username=\"" + USER + "\" password=\"" + password + "\";"};
    }

    static String[] args(String command, String password, String... more) {
        List<String> a = new ArrayList<>(List.of(command));
        a.addAll(List.of(kafkaProperties(password)));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void theCommandsTakeTheSameSettingsAsKafkaProperties(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("signals.avro");
        assertEquals(AuspexCli.EXIT_OK, AuspexCli.commandLine().execute(args("export-signals", PASSWORD,
                "--out", out.toString())));
        assertEquals(List.of(), SignalsFile.read(out));

        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exportRc;
        int recordRc;
        int reservedRc;
        try {
            exportRc = AuspexCli.commandLine().execute(args("export-signals", WRONG_PASSWORD, "--out", out.toString()));
            recordRc = AuspexCli.commandLine().execute(args("record", WRONG_PASSWORD,
                    "--out", dir.resolve("rec.jsonl").toString()));
            reservedRc = AuspexCli.commandLine().execute(args("export-signals", PASSWORD, "--out", out.toString(),
                    "--kafka-property", "isolation.level=read_uncommitted"));
        } finally {
            System.setErr(stderr);
        }
        String[] printed = err.toString(StandardCharsets.UTF_8).split("\n");
        String authFailed = "error: Kafka authentication failed for bootstrap servers " + kafka.bootstrapServers()
                + ": Authentication failed: Invalid username or password";
        assertEquals(AuspexCli.EXIT_FAILURE, exportRc);
        assertEquals(AuspexCli.EXIT_FAILURE, recordRc);
        assertEquals(AuspexCli.EXIT_BAD_INPUT, reservedRc);
        assertEquals(authFailed, printed[0]);
        assertEquals(authFailed, printed[1]);
        assertEquals("error: --kafka-property isolation.level: not settable, Auspex always reads read_committed",
                printed[2]);
        assertTrue(printed[4].startsWith("Usage: auspex export-signals"), printed[4]); // after its header line
        assertFalse(err.toString(StandardCharsets.UTF_8).contains(PASSWORD));
        assertFalse(err.toString(StandardCharsets.UTF_8).contains(WRONG_PASSWORD));
        assertFalse(Files.exists(dir.resolve("rec.jsonl")));
    }
}
