package io.auspex.jobs.slo;

import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SloStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Drives an {@link SloEngine} with windows of constant counts, like the signals stage would:
 * {@code run(Duration.ofHours(1), 100, 2)} = one hour of 10 s windows of 100 requests, 2 bad.
 */
final class SloScenario implements SloOutput {
    /** 2026-01-01T00:00:00Z, minute and hour aligned. */
    static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    final SloEngine engine;
    final String service;
    final List<Alert> alerts = new ArrayList<>();
    final List<SloStatus> statuses = new ArrayList<>();
    final List<String> dropped = new ArrayList<>();
    long windowMs = 10_000;
    long now = T0;
    long mark = T0;

    SloScenario(String yaml, String service) {
        this.engine = new SloEngine(SloSet.parse(yaml, "test.yaml"));
        this.service = service;
    }

    /** Runs windows of {@code total} events, {@code bad} errors and {@code bad} spans over every latency threshold. */
    SloScenario run(Duration d, long total, long bad) {
        return run(d, total, bad, bad);
    }

    SloScenario run(Duration d, long total, long errors, long slow) {
        long end = now + d.toMillis();
        while (now < end) {
            window(total, errors, slow);
        }
        return this;
    }

    SloScenario window(long total, long errors, long slow) {
        Map<String, Long> over = new TreeMap<>();
        for (long t : engine.slos().latencyThresholdsMs()) {
            over.put(Long.toString(t), slow);
        }
        engine.process(signals(service, now, now + windowMs, total, errors, over), this);
        now += windowMs;
        return this;
    }

    static ServiceSignals signals(String service, long start, long end, long total, long errors, Map<String, Long> over) {
        return io.auspex.jobs.slo.SignalsCsv.countsOnly(service, start, end, total, errors, over);
    }

    /** Sets the reference time of {@link #transitions()} to now and forgets earlier alerts. */
    SloScenario mark() {
        mark = now;
        alerts.clear();
        return this;
    }

    /** Alerts as {@code "<tier> FIRING +<s>"} or {@code "<tier> RESOLVED +<s> ends +<s>"}, seconds after the mark. */
    List<String> transitions() {
        List<String> out = new ArrayList<>();
        for (Alert a : alerts) {
            String s = a.getLabels().get("burn_tier") + " " + a.getStatus() + " +" + (a.getEventTimeMs() - mark) / 1000;
            if (a.getStatus() == AlertStatus.RESOLVED) {
                s += " ends +" + (a.getEndsAtMs() - mark) / 1000;
            }
            out.add(s);
        }
        return out;
    }

    @Override
    public void alert(Alert alert) {
        alerts.add(alert);
    }

    @Override
    public void status(SloStatus status) {
        statuses.add(status);
    }

    @Override
    public void droppedInstance(SloDefinition slo, String instance) {
        dropped.add(slo.name() + "/" + instance);
    }
}
