package io.auspex.jobs.rca;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.jobs.graph.EdgeStats;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.Severity;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The alert downstream consumers read, byte for byte: an anomaly alert on a caller enriched with its
 * root causes (the callee's count evidence, a slowed edge, a healthy dependency), their reasons and
 * evidence, and the incident id. A change to the schema, the ranking or the wording shows here
 * first. Regenerate with {@code -Dauspex.write-golden=true} after checking the difference.
 */
class AlertGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/alert-with-root-causes.json");

    @Test
    void anEnrichedAlertIsExactlyTheGoldenOne() throws Exception {
        RcaHarness h = new RcaHarness(15 * 60_000L, 3_600_000L, 0.8);
        long t = T0 + 3_600_000L;
        // an hour of normal windows: checkout calls payment (its waits about 1 ms) and auth (a healthy dependency)
        for (long w = T0 + 10_000; w < t - 60_000; w += 10_000) {
            h.processElement(edge("checkout", "payment", w, 40, 0, 1, new long[7]), w);
            h.processElement(edge("checkout", "auth", w, 40, 0, 1, new long[7]), w);
            h.processElement(RcaInput.of(evidence("checkout", w, 0, 0, "")), w - 1);
            h.processElement(RcaInput.of(evidence("payment", w, 0, 0, "")), w - 1);
        }
        // payment's errors cross the count-evidence bar; checkout's latency moves a window later; the edge into
        // payment also waits 300 ms more
        for (long w = t - 50_000; w <= t; w += 10_000) {
            boolean on = w >= t - 20_000;
            h.processElement(edge("checkout", "payment", w, 40, on ? 12 : 0, on ? 301 : 1,
                    on ? new long[] {40, 40, 40, 0, 0, 0, 0} : new long[7]), w);
            h.processElement(edge("checkout", "auth", w, 40, 0, 1, new long[7]), w);
            ServiceEvidence pay = evidence("payment", w, on ? 1.0 : 0, on ? 9.5 : 0, on ? "errors" : "");
            if (on) {
                pay.countOnsetMs = t - 20_000;
                pay.exemplarTraceIds = new String[] {"4bf92f3577b34da6a3ce929d0e0e4736"};
                pay.errorLogTemplates = new String[] {"payment declined for order <NUM>: gateway timeout after <NUM> ms"};
            }
            h.processElement(RcaInput.of(pay), w - 1);
            h.processElement(RcaInput.of(evidence("checkout", w, w >= t - 10_000 ? 1.0 : 0, 0, "", "latency_p99_ms")), w - 1);
        }
        h.processAlert(Alert.newBuilder().setFingerprint("6f1c2a3b4d5e6f70").setStatus(AlertStatus.FIRING)
                .setRule("anomaly").setSeverity(Severity.TICKET).setService("checkout").setStartsAtMs(t - 10_000)
                .setEventTimeMs(t).setLabels(new TreeMap<>(Map.of("alertname", "ServiceAnomaly", "service", "checkout",
                        "severity", "ticket")))
                .setAnnotations(new TreeMap<>(Map.of("summary", "Anomalous golden signals in checkout")))
                .setMovedSignals(List.of("latency_p99_ms")).build(), t);
        h.processWatermark(t);
        List<Alert> out = h.extractOutputValues();
        assertEquals(1, out.size());
        String json = json(out.get(0));
        if (Boolean.getBoolean("auspex.write-golden")) {
            Files.writeString(GOLDEN, json);
        }
        assertEquals(Files.readString(GOLDEN), json);
        h.close();
    }

    static RcaInput edge(String caller, String callee, long t, long calls, long errors, long gapMs, long[] over) {
        EdgeStats e = new EdgeStats(caller, callee);
        e.windowEndMs = t;
        e.calls = calls;
        e.errors = errors;
        e.sumDurationUs = calls * 5_000;
        e.gapCount = calls;
        e.sumGapUs = calls * gapMs * 1000;
        e.gapOver = over;
        return RcaInput.of(e);
    }

    static ServiceEvidence evidence(String service, long t, double strength, double count, String countSignal,
            String... moved) {
        ServiceEvidence e = new ServiceEvidence();
        e.service = service;
        e.windowEndMs = t;
        e.strength = strength;
        e.modelScore = Double.NaN;
        e.movedSignals = moved;
        e.countEvidence = count;
        e.countLevel = Math.min(1.0, count / 8.0);
        e.countSignal = countSignal;
        return e;
    }

    static String json(Alert a) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonEncoder enc = EncoderFactory.get().jsonEncoder(Alert.getClassSchema(), bytes, true);
        new SpecificDatumWriter<>(Alert.class).write(a, enc);
        enc.flush();
        return bytes.toString(StandardCharsets.UTF_8) + "\n";
    }
}
