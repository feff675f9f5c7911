package io.auspex.jobs.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.auspex.schemas.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SloSetTest {

    private static String error(String yaml) {
        return assertThrows(SloConfigException.class, () -> SloSet.parse(yaml, "slos.yaml")).getMessage();
    }

    private static final String HEAD = "slos:\n  - name: checkout-availability\n    service: checkout\n";

    @Test
    void defaultFileLoadsWithItsThresholds() {
        SloSet set = SloSet.load(Path.of("src/main/resources/slo/default-slos.yaml"));
        assertEquals(List.of("frontend-availability", "frontend-latency", "checkout-availability",
                "payment-availability", "inventory-availability"), set.slos().stream().map(SloDefinition::name).toList());
        assertEquals(new TreeSet<>(List.of(500L)), set.latencyThresholdsMs());
        SloDefinition lat = set.get("frontend-latency").orElseThrow();
        assertEquals(SliType.LATENCY, lat.sli());
        assertEquals(0.01, lat.errorBudget());
        assertEquals(0.001, set.get("checkout-availability").orElseThrow().errorBudget());
    }

    @Test
    void everyFieldIsRead() {
        SloSet set = SloSet.parse("""
                slos:
                  - name: api-latency
                    service: checkout
                    description: Checkout API answers fast.
                    runbook_url: https://runbooks.example/api
                    labels: {team: payments, tier: "1"}
                    objective: 99.5
                    period: 28d
                    sli: {type: latency, threshold_ms: 250}
                    group_by: operation
                    max_instances: 20
                    alerting:
                      min_events: 100
                      min_bad_events: 3
                      keep_firing_for: 5m
                      rules:
                        - {tier: fast, severity: page, long_window: 1h, short_window: 5m, budget_percent: 2}
                        - {tier: custom, severity: ticket, long_window: 12h, short_window: 1h, burn_rate: 2.5}
                """, "slos.yaml");
        SloDefinition d = set.slos().get(0);
        assertEquals("Checkout API answers fast.", d.description());
        assertEquals("https://runbooks.example/api", d.runbookUrl());
        assertEquals(Map.of("team", "payments", "tier", "1"), d.labels());
        assertEquals(99.5, d.objective());
        assertEquals(0.005, d.errorBudget());
        assertEquals(28 * 86_400_000L, d.periodMs());
        assertEquals(250, d.thresholdMs());
        assertEquals("operation", d.groupBy());
        assertEquals(20, d.maxInstances());
        assertEquals(100, d.minEvents());
        assertEquals(3, d.minBadEvents());
        assertEquals(300_000, d.keepFiringForMs());
        assertEquals(List.of(new BurnRule("fast", Severity.PAGE, 3_600_000, 300_000, 13.44, 2),
                new BurnRule("custom", Severity.TICKET, 43_200_000, 3_600_000, 2.5, Double.NaN)), d.rules());
        SortedSet<Long> t = set.latencyThresholdsMs();
        assertEquals(List.of(250L), List.copyOf(t));
        // minute ring: 12h window + 2; hour ring: 28 d + 2
        assertEquals(722, d.minuteBuckets());
        assertEquals(674, d.hourBuckets());
    }

    @Test
    void defaultsApplyWhenLeftOut() {
        SloDefinition d = SloSet.parse(HEAD + "    objective: 99.9\n    sli: {type: availability}\n", "slos.yaml").slos().get(0);
        assertEquals(30 * 86_400_000L, d.periodMs());
        assertEquals("", d.groupBy());
        assertEquals(100, d.maxInstances());
        assertEquals(0, d.minEvents());
        assertEquals(5, d.minBadEvents());
        assertEquals(120_000, d.keepFiringForMs());
        assertEquals(List.of("fast", "medium", "slow", "very_slow"), d.rules().stream().map(BurnRule::tier).toList());
        // 6h + 2 minutes, 30 d + 2 hours: 16 bytes each
        assertEquals(362, d.minuteBuckets());
        assertEquals(722, d.hourBuckets());
        assertEquals(17_344, d.ringBytes());
    }

    @Test
    void errorsNameTheFileTheSloAndTheField() {
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'objective': must be > 0 and < 100 (percent), got 100",
                error(HEAD + "    objective: 100\n    sli: {type: availability}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'objective': required",
                error(HEAD + "    sli: {type: availability}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'objective': must be a number (percent, e.g. 99.9), got '99.9%'",
                error(HEAD + "    objective: 99.9%\n    sli: {type: availability}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'period': must be whole days from 1d to 90d, e.g. 30d, got '91d'",
                error(HEAD + "    objective: 99.9\n    period: 91d\n    sli: {type: availability}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'sli.threshold_ms': required for type latency",
                error(HEAD + "    objective: 99\n    sli: {type: latency}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'sli.type': must be availability or latency, got 'errors'",
                error(HEAD + "    objective: 99\n    sli: {type: errors}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'sli.threshold_ms': must be a positive whole number of milliseconds, got '-5'",
                error(HEAD + "    objective: 99\n    sli: {type: latency, threshold_ms: -5}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'objectve': unknown field (allowed: alerting, description, "
                + "group_by, labels, max_instances, name, objective, period, runbook_url, service, sli)",
                error(HEAD + "    objectve: 99.9\n    sli: {type: availability}\n"));
        assertEquals("slos.yaml: SLO 'x': field 'service': required", error("slos:\n  - name: x\n    objective: 99\n"));
        assertEquals("slos.yaml: SLO #2: field 'name': required",
                error(HEAD + "    objective: 99.9\n    sli: {type: availability}\n  - service: x\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'name': duplicate SLO name",
                error(HEAD + "    objective: 99.9\n    sli: {type: availability}\n" + HEAD.substring(6)
                        + "    objective: 99\n    sli: {type: availability}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'group_by': must be operation (one instance per span name), got 'route'",
                error(HEAD + "    objective: 99.9\n    sli: {type: availability}\n    group_by: route\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'labels.severity': reserved label, set by the engine",
                error(HEAD + "    objective: 99.9\n    sli: {type: availability}\n    labels: {severity: high}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'alerting.rules[0].short_window': must be shorter than long_window (1h)",
                error(HEAD + "    objective: 99.9\n    sli: {type: availability}\n    alerting:\n      rules:\n"
                        + "        - {tier: fast, severity: page, long_window: 1h, short_window: 2h, burn_rate: 14.4}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'alerting.rules[0].budget_percent': give exactly one of budget_percent and burn_rate",
                error(HEAD + "    objective: 99.9\n    sli: {type: availability}\n    alerting:\n      rules:\n"
                        + "        - {tier: fast, severity: page, long_window: 1h, short_window: 5m}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'alerting.rules[1].tier': duplicate tier 'fast'",
                error(HEAD + "    objective: 99.9\n    sli: {type: availability}\n    alerting:\n      rules:\n"
                        + "        - {tier: fast, severity: page, long_window: 1h, short_window: 5m, burn_rate: 14.4}\n"
                        + "        - {tier: fast, severity: ticket, long_window: 1d, short_window: 2h, burn_rate: 3}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'alerting.rules[0].long_window': must not be longer than the period (7d)",
                error(HEAD + "    objective: 99.9\n    period: 7d\n    sli: {type: availability}\n    alerting:\n      rules:\n"
                        + "        - {tier: fast, severity: page, long_window: 8d, short_window: 5m, burn_rate: 14.4}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'alerting.rules[0].severity': must be page or ticket, got 'urgent'",
                error(HEAD + "    objective: 99.9\n    sli: {type: availability}\n    alerting:\n      rules:\n"
                        + "        - {tier: fast, severity: urgent, long_window: 1h, short_window: 5m, burn_rate: 14.4}\n"));
        assertEquals("slos.yaml: SLO 'checkout-availability': field 'max_instances': only allowed with group_by",
                error(HEAD + "    objective: 99.9\n    sli: {type: availability}\n    max_instances: 5\n"));
        assertEquals("slos.yaml: field 'slos': required (the file is empty)", error(""));
        assertEquals("slos.yaml: field 'slo': unknown field (allowed: slos)", error("slo: []\n"));
    }

    @Test
    void badYamlAndMissingFilesAreClear(@TempDir Path dir) throws Exception {
        String msg = error("slos: [\n");
        assertEquals(true, msg.startsWith("slos.yaml: not valid YAML: "), msg);
        Path missing = dir.resolve("none.yaml");
        String m = assertThrows(SloConfigException.class, () -> SloSet.load(missing)).getMessage();
        assertEquals(true, m.startsWith(missing + ": cannot read the SLO file: "), m);
        Path file = dir.resolve("slos.yaml");
        Files.writeString(file, HEAD + "    objective: 99.9\n    sli: {type: availability}\n");
        assertEquals(file.toString(), SloSet.load(file).origin());
    }
}
