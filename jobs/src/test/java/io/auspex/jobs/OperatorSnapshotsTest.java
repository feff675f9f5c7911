package io.auspex.jobs;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.auspex.jobs.anomaly.AnomalyAlertFunction;
import io.auspex.jobs.anomaly.EvidenceFunction;
import io.auspex.jobs.anomaly.EvidenceOperator;
import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.jobs.decode.DecodeStage;
import io.auspex.jobs.graph.GraphEvent;
import io.auspex.jobs.decode.LimitAlerts;
import io.auspex.jobs.decode.ServiceAdmission;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.jobs.graph.EdgeExtractor;
import io.auspex.jobs.graph.EdgeStats;
import io.auspex.jobs.graph.EdgeWindowOperator;
import io.auspex.jobs.graph.GraphStage;
import io.auspex.jobs.graph.ServiceCall;
import io.auspex.jobs.rca.RcaInput;
import io.auspex.jobs.rca.RcaServiceOperator;
import io.auspex.jobs.rca.RcaServiceState;
import io.auspex.jobs.rca.RootCauseEnricher;
import io.auspex.jobs.rca.ServiceView;
import io.auspex.jobs.signals.SaturationGauges;
import io.auspex.jobs.signals.ServiceKey;
import io.auspex.jobs.signals.SignalsAggregate;
import io.auspex.jobs.signals.SignalsStage;
import io.auspex.jobs.signals.SignalsWindowFunction;
import io.auspex.jobs.signals.SignalsWindowOperator;
import io.auspex.jobs.slo.SloProcessFunction;
import io.auspex.jobs.slo.SloSet;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.Severity;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Committed snapshots of the keyed operators' state, one directory per release under
 * {@code src/test/resources/snapshots/<release>/} (as flink-connector-kafka's migration tests keep
 * theirs): every release's snapshot must restore into this release's operator, which then continues
 * exactly as an operator of this release that never stopped (same outputs, side outputs included,
 * as many timers), on the heap backend they are written with and on RocksDB. They are canonical
 * savepoints of the operator (the format an upgrade restores from), written with Flink's
 * {@code OperatorSnapshotUtil}. A state type or serializer change that loses or misreads
 * state fails here.
 *
 * <p>Each case is a scenario cut in two: {@code before} runs up to the snapshot (state and timers
 * of every kind the operator keeps), {@code after} continues it. {@link #writeSnapshots()}
 * regenerates this release's directory (docs/operations.md, Upgrade with state).
 */
class OperatorSnapshotsTest {
    /** The release whose snapshots {@link #writeSnapshots()} writes; raise it with the project version. */
    static final String RELEASE = "0.1.0";
    static final Path SNAPSHOTS = Path.of("src/test/resources/snapshots");
    static final long W = 10_000L;

    /** One step of a scenario: an element with its timestamp, or a watermark. */
    record Step(Object element, long time, boolean watermark, boolean broadcast) {
        static Step element(Object e, long time) {
            return new Step(e, time, false, false);
        }

        /** An element of a broadcast operator's broadcast input. */
        static Step broadcast(Object e, long time) {
            return new Step(e, time, false, true);
        }

        static Step watermark(long time) {
            return new Step(null, time, true, false);
        }
    }

    @FunctionalInterface
    interface Factory {
        AbstractStreamOperatorTestHarness<?> create() throws Exception;
    }

    /**
     * A keyed operator as the job builds it, a scenario cut at the snapshot, and the side outputs it
     * writes; {@code timersAfter010}: event-time timers at the snapshot that the operator of release
     * 0.1.0 did not register (its snapshot has none of them; they come with the keys' next input).
     */
    record Case(String name, Factory harness, List<Step> before, List<Step> after, List<OutputTag<?>> sideOutputs,
            int timersAfter010) {
        Case(String name, Factory harness, List<Step> before, List<Step> after, List<OutputTag<?>> sideOutputs) {
            this(name, harness, before, after, sideOutputs, 0);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(evidence(), anomalyAlerts(), slo(), signalsWindow(), rcaServiceState(), rcaRanking(), edgeExtractor(),
                edgeAggregate(), serviceAdmission(), limitAlerts());
    }

    // --- the operators and their scenarios -------------------------------------------------

    static ServiceSignals window(String service, int i, boolean burst) {
        long t = T0 + i * W;
        return Fixtures.signals(service, t).setTrafficRps(10 + (i % 5) * 0.4).setErrorRatio(burst ? 0.3 : 0)
                .setErrorSpanCount(burst ? 30 : 0).build();
    }

    /** Baselines and onset detectors of two services after 200 windows; then an error burst in one. */
    static Case evidence() {
        List<Step> before = new ArrayList<>();
        List<Step> after = new ArrayList<>();
        for (int i = 0; i < 260; i++) {
            for (String s : List.of("payment", "checkout")) {
                ServiceSignals w = window(s, i, s.equals("payment") && i >= 230);
                (i < 200 ? before : after).add(Step.element(w, w.getWindowEndMs() - 1));
            }
        }
        // the operator the job runs: with RocksDB the services' state is cached on the heap between checkpoints
        return new Case("evidence", () -> new KeyedOneInputStreamOperatorTestHarness<>(
                new EvidenceOperator(new EvidenceFunction(0.8, 0.3, 3_600_000L, null), 64),
                ServiceSignals::getServiceName, Types.STRING), before, after, List.of());
    }

    static ServiceEvidence anomalyEvidence(long t, boolean anomalous) {
        ServiceEvidence e = new ServiceEvidence();
        e.service = "db";
        e.windowEndMs = t;
        e.modelScore = anomalous ? 0.9 : 0.1;
        e.modelAnomalous = anomalous;
        e.strength = anomalous ? 1 : 0;
        e.movedSignals = anomalous ? new String[] {"saturation"} : new String[0];
        return e;
    }

    /** Snapshot while db fires; after it, still anomalous for two windows, then quiet: one resolve. */
    static Case anomalyAlerts() {
        List<Step> before = new ArrayList<>();
        List<Step> after = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            long t = T0 + i * W;
            (i <= 5 ? before : after).add(Step.element(anomalyEvidence(t, i >= 2 && i <= 7), t - 1));
        }
        return new Case("anomaly-alerts", () -> new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AnomalyAlertFunction(3)), (ServiceEvidence e) -> e.service,
                Types.STRING), before, after, List.of());
    }

    /** Three hours of inventory with a 10 min outage; the snapshot falls inside the outage. */
    static Case slo() {
        SloSet slos = SloSet.load(Path.of("src/main/resources/slo/default-slos.yaml"));
        List<Step> before = new ArrayList<>();
        List<Step> after = new ArrayList<>();
        for (long t = T0; t < T0 + 3 * 3_600_000L; t += W) {
            boolean outage = t >= T0 + 7_200_000L && t < T0 + 7_800_000L;
            long bad = outage ? 100 : 0;
            ServiceSignals s = Fixtures.signals("inventory", t + W).setWindowStartMs(t).setRequestCount(100)
                    .setErrorSpanCount(bad).setHttp5xxCount(bad).setErrorRatio(bad / 100.0)
                    .setLatencyOverMs(Map.of("500", bad, "300", 0L)).build();
            (t < T0 + 7_500_000L ? before : after).add(Step.element(s, s.getWindowEndMs() - 1));
        }
        return new Case("slo", () -> new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new SloProcessFunction(slos), List.of(SloProcessFunction.SLO_FILE)),
                (KeySelector<ServiceSignals, String>) ServiceSignals::getServiceName, Types.STRING, 128, 1, 0),
                before, after, List.of());
    }

    /**
     * Two services' open windows (spans, error logs, gauges, a cumulative counter) and their kept
     * series and template miners at the snapshot; the windows fire after it.
     */
    static Case signalsWindow() {
        List<Step> before = new ArrayList<>();
        List<Step> after = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            List<Step> to = w < 3 ? before : after;
            long start = T0 + w * W;
            for (String s : List.of("checkout", "payment")) {
                for (int j = 0; j < 5; j++) {
                    Telemetry t = Telemetry.of(Fixtures.server(s, start + 100 + j * 1_000, 20_000 + j * 90_000L, j == 4));
                    to.add(Step.element(t, t.eventTimeMs()));
                }
                Telemetry log = Telemetry.of(Fixtures.log(s, start + 3_000, 17, "timeout after " + (3_000 + w) + " ms"));
                to.add(Step.element(log, log.eventTimeMs()));
                Telemetry cpu = Telemetry.of(Fixtures.gauge(s, "process.cpu.utilization", start + 4_000, 0.2 + w * 0.1));
                to.add(Step.element(cpu, cpu.eventTimeMs()));
            }
            // the snapshot holds the last window before it open
            to.add(Step.watermark(start - 1));
        }
        after.add(Step.watermark(T0 + 7 * W));
        long[] thresholds = {300};
        return new Case(SignalsStage.UID, () -> new KeyedOneInputStreamOperatorTestHarness<>(
                new SignalsWindowOperator(W, new SignalsAggregate(thresholds),
                        new SignalsWindowFunction(thresholds, SaturationGauges.DEFAULT), SignalsStage.LATE),
                new ServiceKey(), Types.STRING), before, after, List.of(SignalsStage.LATE),
                2); // the two services' retirement timers (SignalsWindowOperator.LAST_WINDOW), new after 0.1.0
    }

    static RcaInput edge(String caller, String callee, long t, long calls, double waitMs) {
        EdgeStats e = new EdgeStats(caller, callee);
        e.windowEndMs = t;
        e.calls = calls;
        e.errors = calls / 20;
        e.gapCount = calls;
        e.sumGapUs = Math.round(waitMs * 1000 * calls);
        return RcaInput.of(e);
    }

    static RcaInput rcaEvidence(String service, long t, double strength, String moved) {
        ServiceEvidence e = new ServiceEvidence();
        e.service = service;
        e.windowEndMs = t;
        e.strength = strength;
        e.modelScore = 0.5;
        e.movedSignals = new String[] {moved};
        e.onsetSignals = strength >= 0.8 ? new String[] {moved} : new String[0];
        e.exemplarTraceIds = strength > 0.5 ? new String[] {"trace-" + t} : new String[0];
        return RcaInput.of(e);
    }

    /**
     * Edges (with waits) and evidence of 40 windows, payment failing from window 25 and the calls
     * into it waiting 300 ms more in windows 28-33 (an edge alert fires and later resolves); at the
     * snapshot two windows' inputs are held ahead of the watermark and the edge alert is firing.
     */
    static Case rcaServiceState() {
        List<Step> before = new ArrayList<>();
        List<Step> after = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            List<Step> to = k < 32 ? before : after;
            long t = T0 + (k + 1) * W;
            RcaInput pay = edge("checkout", "payment", t, 50 + k % 3, k >= 28 && k < 34 ? 300.5 : 0.5 + (k % 2) * 0.1);
            EdgeStats e = pay.edge;
            for (int i = 0; i < e.calls; i++) {
                e.countGap(e.sumGapUs / e.gapCount);
            }
            to.add(Step.element(pay, t - 1));
            to.add(Step.element(edge("frontend", "checkout", t, 100 + k % 5, 0.4), t - 1));
            to.add(Step.element(rcaEvidence("payment", t, k >= 25 ? 1.0 : 0.05, "error_ratio"), t - 1));
            to.add(Step.element(rcaEvidence("checkout", t, k >= 27 ? 0.9 : 0.0, "latency_p99_ms"), t - 1));
            // the watermark two windows behind
            to.add(Step.watermark(t - 2 * W));
        }
        after.add(Step.watermark(T0 + 2 * 3_600_000L));
        // the operator the job runs: with RocksDB the services' state is cached on the heap between checkpoints
        return new Case("rca-service-state", () -> new KeyedOneInputStreamOperatorTestHarness<>(
                new RcaServiceOperator(new RcaServiceState(15 * 60_000L, 3_600_000L, 0.8, 10.0).withEdgeFailures(
                        new io.auspex.models.evidence.CountEvidence(io.auspex.models.evidence.CountEvidence.Config.defaults(),
                                new long[0]), true), 64), RcaInput::key,
                Types.STRING), before, after, List.of(RcaServiceState.EDGE_ALERTS));
    }

    static ServiceView view(String service, long asOf, long onset, double peak, String caller, long gapOnset) {
        ServiceView v = new ServiceView();
        v.service = service;
        v.asOfMs = asOf;
        v.hasEvidence = peak > 0;
        v.onsetMs = onset;
        v.lastAnomalousMs = peak > 0 ? asOf : Long.MIN_VALUE / 2;
        v.peak = peak;
        v.lastModelScore = 0.5;
        v.movedSignals = peak > 0 ? new String[] {"error_ratio"} : new String[0];
        ServiceView.EdgeView e = new ServiceView.EdgeView();
        e.caller = caller;
        e.lastSeenMs = asOf;
        e.gapPeak = gapOnset > 0 ? 1.0 : 0;
        e.gapOnsetMs = gapOnset;
        e.gapLastAnomalousMs = gapOnset > 0 ? asOf : Long.MIN_VALUE / 2;
        e.gapPeakMs = gapOnset > 0 ? 300 : 0;
        e.errLastAnomalousMs = Long.MIN_VALUE / 2;
        v.incoming = new ServiceView.EdgeView[] {e};
        return v;
    }

    /**
     * Views of three services over 12 windows (payment anomalous from window 4, the calls into
     * auth waiting from window 8), alerts on frontend and checkout; at the snapshot an alert is
     * pending and views newer than the watermark are kept beside the current ones; a service's
     * state is removed after it.
     */
    static Case rcaRanking() {
        List<Step> before = new ArrayList<>();
        List<Step> after = new ArrayList<>();
        for (int k = 1; k <= 12; k++) {
            List<Step> to = k <= 7 ? before : after;
            long t = T0 + k * W;
            to.add(Step.broadcast(view("checkout", t, 0, 0, "frontend", 0), t));
            to.add(Step.broadcast(view("payment", t, T0 + 4 * W, k >= 4 ? 1.0 : 0, "checkout", 0), t));
            to.add(Step.broadcast(k == 12 ? ServiceView.removed("auth", t)
                    : view("auth", t, 0, 0, "frontend", k >= 8 ? T0 + 8 * W : 0), t));
            if (k == 6 || k == 9) {
                to.add(Step.element(Alert.newBuilder().setFingerprint("f" + k).setStatus(AlertStatus.FIRING)
                        .setRule("slo_burn_fast").setSeverity(Severity.PAGE).setService(k == 6 ? "checkout" : "frontend")
                        .setStartsAtMs(t).setEventTimeMs(t).build(), t));
            }
            // the watermark two windows behind
            to.add(Step.watermark(t - 2 * W));
        }
        after.add(Step.watermark(T0 + 20 * W));
        return new Case("rca-ranking", () -> new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new RootCauseEnricher(15 * 60_000L, 3_600_000L),
                        List.of(RootCauseEnricher.VIEWS)),
                (KeySelector<Alert, String>) Alert::getService, Types.STRING, 128, 1, 0), before, after, List.of());
    }

    static Span span(String trace, String service, String id, String parent, SpanKind kind, long t) {
        return Fixtures.span(service, id, parent, kind, t).setTraceId(trace).setStatusCode(StatusCode.OK)
                .setDurationUs(7000).build();
    }

    /** Children waiting for their parents in three traces at the snapshot; the parents come after it, then the TTL. */
    static Case edgeExtractor() {
        List<Step> before = new ArrayList<>();
        List<Step> after = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String trace = String.format("%032x", i + 1);
            long t = T0 + i * 1_000;
            // the root SERVER span of each trace (frontend's a1) never reaches the graph (GraphInputs)
            before.add(Step.element(GraphEvent.from(Telemetry.of(span(trace, "payment", "00000000000000a3",
                    "00000000000000a2", SpanKind.SERVER, t)), true), t));
            after.add(Step.element(GraphEvent.from(Telemetry.of(span(trace, "checkout", "00000000000000a2",
                    "00000000000000a1", SpanKind.CLIENT, t)), true), t));
        }
        before.add(Step.watermark(T0));
        after.add(Step.watermark(T0 + 120_000));
        return new Case("graph-span-pairs", () -> new KeyedOneInputStreamOperatorTestHarness<>(
                new EdgeExtractor(60_000, 200_000, 100), GraphEvent::traceId, Types.STRING),
                before, after, List.of());
    }

    /** Calls of two edges in an open window at the snapshot; more calls and the window's end after it. */
    static Case edgeAggregate() {
        List<Step> before = new ArrayList<>();
        List<Step> after = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            long t = T0 + 1 + i * 1_000;
            (i < 3 ? before : after).add(Step.element(new ServiceCall("checkout", "payment", i % 3 == 0, 1_000 + i, t,
                    200 + i), t));
            (i < 3 ? before : after).add(Step.element(new ServiceCall("frontend", "checkout", false, 9_000, t, -1), t));
        }
        after.add(Step.watermark(T0 + W));
        return new Case(GraphStage.EDGE_WINDOW_UID, () -> new KeyedOneInputStreamOperatorTestHarness<>(
                new EdgeWindowOperator(W), ServiceCall::edge, Types.STRING), before, after, List.of());
    }

    static Telemetry admissionSpan(String service, long t) {
        return Telemetry.of(Fixtures.span(service, "00000000000000a1", null, SpanKind.SERVER, t).build())
                .origin("otlp_spans", 2, t - T0);
    }

    /** Three services admitted (the limit) at the snapshot; after it a fourth is refused until one retires. */
    static Case serviceAdmission() {
        long retire = 60_000;
        List<Step> before = new ArrayList<>();
        List<Step> after = new ArrayList<>();
        for (String s : List.of("a", "b", "c")) {
            before.add(Step.element(admissionSpan(s, T0 + 1_000), T0 + 1_000));
        }
        before.add(Step.element(admissionSpan("b", T0 + 30_000), T0 + 30_000));
        before.add(Step.watermark(T0 + 30_000));
        after.add(Step.element(admissionSpan("d", T0 + 31_000), T0 + 31_000));
        after.add(Step.element(admissionSpan("a", T0 + 32_000), T0 + 32_000));
        after.add(Step.watermark(T0 + 61_500));
        after.add(Step.element(admissionSpan("d", T0 + 62_000), T0 + 62_000));
        after.add(Step.watermark(T0 + 200_000));
        return new Case("service-admission", () -> new KeyedOneInputStreamOperatorTestHarness<>(
                new ServiceAdmission(3, retire, true, "next"), new DecodeStage.ServiceSelector(), Types.STRING),
                before, after, List.of(ServiceAdmission.DEAD_LETTERS));
    }

    // --- running a scenario --------------------------------------------------------------

    static DeadLetter refused(long t) {
        return DeadLetter.newBuilder().setSourceTopic("otlp_spans").setPartition(0).setOffset(t).setTimestampMs(t)
                .setReason(ServiceAdmission.REASON).setDetail("full").build();
    }

    /** Refusals for two minutes; the snapshot while the alert fires; quiet after it, then it resolves. */
    static Case limitAlerts() {
        List<Step> before = new ArrayList<>();
        List<Step> after = new ArrayList<>();
        for (long t = T0; t < T0 + 120_000; t += 5_000) {
            (t < T0 + 60_000 ? before : after).add(Step.element(refused(t), t));
        }
        before.add(Step.watermark(T0 + 60_000));
        after.add(Step.watermark(T0 + 20 * 60_000L));
        return new Case("limit-alerts", () -> new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LimitAlerts(6)), (KeySelector<DeadLetter, String>) LimitAlerts::key,
                Types.STRING), before, after, List.of());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void run(AbstractStreamOperatorTestHarness<?> h, List<Step> steps) throws Exception {
        for (Step s : steps) {
            if (h instanceof KeyedOneInputStreamOperatorTestHarness k) {
                if (s.watermark()) {
                    k.processWatermark(s.time());
                } else {
                    k.processElement(new StreamRecord(s.element(), s.time()));
                }
            } else if (h instanceof KeyedBroadcastOperatorTestHarness b) {
                if (s.watermark()) {
                    b.processWatermark(s.time());
                    b.processBroadcastWatermark(s.time());
                } else if (s.broadcast()) {
                    b.processBroadcastElement(new StreamRecord(s.element(), s.time()));
                } else {
                    b.processElement(new StreamRecord(s.element(), s.time()));
                }
            } else {
                throw new IllegalArgumentException(h.getClass().getName());
            }
        }
    }

    static AbstractStreamOperatorTestHarness<?> open(Case c, OperatorSubtaskState restore) throws Exception {
        AbstractStreamOperatorTestHarness<?> h = c.harness().create();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /** What an operator wrote since the last call (outputs, then each side output), as text, and forgets it. */
    static List<String> drain(Case c, AbstractStreamOperatorTestHarness<?> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.extractOutputValues()) {
            out.add(describe(o));
        }
        for (OutputTag<?> tag : c.sideOutputs()) {
            var side = h.getSideOutput(tag);
            if (side != null) {
                for (StreamRecord<?> r : side) {
                    out.add(tag.getId() + ": " + describe(r.getValue()));
                }
                side.clear();
            }
        }
        h.getOutput().clear();
        return out;
    }

    /** Avro records as their JSON; other values field by field (public fields, arrays spelled out). */
    static String describe(Object o) {
        if (o == null || o instanceof SpecificRecord || o instanceof CharSequence || o instanceof Number
                || o instanceof Boolean || o instanceof Enum<?>) {
            return String.valueOf(o);
        }
        if (o instanceof Object[] a) {
            return Arrays.deepToString(a);
        }
        StringBuilder sb = new StringBuilder(o.getClass().getSimpleName()).append('{');
        for (Field f : o.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            try {
                sb.append(f.getName()).append('=').append(describe(f.get(o))).append(' ');
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.append('}').toString();
    }

    static Path file(String release, Case c) {
        return SNAPSHOTS.resolve(release).resolve(c.name() + ".snapshot");
    }

    static Stream<Arguments> committedSnapshots() throws Exception {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> releases = Files.list(SNAPSHOTS)) {
            for (Path release : releases.sorted().toList()) {
                for (Case c : cases()) {
                    out.add(Arguments.of(release.getFileName().toString(), c));
                }
            }
        }
        return out.stream();
    }

    // --- the tests -----------------------------------------------------------------------

    /** Every release's snapshot of every operator restores and continues as this release's operator that never stopped. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("committedSnapshots")
    void aCommittedSnapshotRestoresAndContinuesExactly(String release, Case c) throws Exception {
        Path snapshot = file(release, c);
        assertFalse(!Files.exists(snapshot), "no snapshot " + snapshot + " (run writeSnapshots)");

        AbstractStreamOperatorTestHarness<?> whole = open(c, null);
        run(whole, c.before());
        drain(c, whole);
        int timers = whole.numEventTimeTimers();
        run(whole, c.after());
        List<String> expected = drain(c, whole);
        whole.close();

        for (boolean rocksDb : new boolean[] {false, true}) {
            AbstractStreamOperatorTestHarness<?> restored = c.harness().create();
            if (rocksDb) {
                restored.setStateBackend(new EmbeddedRocksDBStateBackend());
            }
            restored.initializeState(OperatorSnapshotUtil.readStateHandle(snapshot.toString()));
            restored.open();
            assertEquals(timers - (release.equals("0.1.0") ? c.timersAfter010() : 0), restored.numEventTimeTimers(),
                    "event-time timers after the restore");
            run(restored, c.after());
            List<String> got = drain(c, restored);
            restored.close();
            if (rocksDb) {
                // timers of different keys due at one time fire in the backend's order: compare as sets
                got.sort(null);
                List<String> sorted = new ArrayList<>(expected);
                sorted.sort(null);
                assertEquals(sorted, got, "restored into RocksDB");
                continue;
            }
            assertEquals(expected, got, "restored into the heap backend");
        }

        // the continuation depends on the restored state: an operator without it writes something else
        AbstractStreamOperatorTestHarness<?> fresh = open(c, null);
        run(fresh, c.after());
        assertNotEquals(expected, drain(c, fresh));
        fresh.close();
        assertFalse(expected.isEmpty(), "the scenario after the snapshot writes something");
    }

    /**
     * Regenerates this release's snapshots: {@code mvn -o verify -pl jobs -am
     * -Dtest=OperatorSnapshotsTest#writeSnapshots -Dsurefire.failIfNoSpecifiedTests=false
     * -Dauspex.write-snapshots=true} (docs/operations.md). Only missing files are written, so a
     * committed snapshot is never overwritten by accident: delete one to write it again.
     */
    @Test
    @EnabledIfSystemProperty(named = "auspex.write-snapshots", matches = "true")
    void writeSnapshots() throws Exception {
        for (Case c : cases()) {
            Path out = file(RELEASE, c);
            if (Files.exists(out)) {
                continue;
            }
            AbstractStreamOperatorTestHarness<?> h = open(c, null);
            run(h, c.before());
            Files.createDirectories(out.getParent());
            // a canonical savepoint, as an upgrade takes one: any state backend restores it
            OperatorSnapshotUtil.writeStateHandle(h.snapshotWithLocalState(1L, 1L,
                    SavepointType.savepoint(SavepointFormatType.CANONICAL)).getJobManagerOwnedState(), out.toString());
            h.close();
        }
    }
}
