package io.auspex.infra.sim;

import static io.auspex.infra.sim.SimFixtures.HOUR;
import static io.auspex.infra.sim.SimFixtures.MIDNIGHT;
import static io.auspex.infra.sim.SimFixtures.minutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import io.auspex.schemas.StatusCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rates, daily shape, baseline errors, gauges, logs, delivery order and determinism. */
class TrafficTest {

    @Test
    void dailyShapeArithmetic() {
        TrafficShape shape = new TrafficShape(20, 2.0, 15.0, 0.0, 1L);
        assertEquals(1.0 / 3, shape.amplitude(), 1e-12);
        assertEquals(80.0 / 3, shape.rateAt(MIDNIGHT + 15 * HOUR), 1e-9);
        assertEquals(40.0 / 3, shape.rateAt(MIDNIGHT + 3 * HOUR), 1e-9);
        assertEquals(20.0, shape.rateAt(MIDNIGHT + 9 * HOUR), 1e-9);
        assertEquals(2.0, shape.rateAt(MIDNIGHT + 15 * HOUR) / shape.rateAt(MIDNIGHT + 3 * HOUR), 1e-12);
        assertEquals(shape.rateAt(MIDNIGHT + 15 * HOUR), shape.rateAt(MIDNIGHT + 39 * HOUR), 1e-9, "24 h period");
        assertEquals(shape.rateAt(MIDNIGHT), shape.noisyRateAt(MIDNIGHT), 0.0, "no noise configured");
        TrafficShape noisy = new TrafficShape(20, 2.0, 15.0, 0.05, 1L);
        double ratio = noisy.noisyRateAt(MIDNIGHT + 90_000) / noisy.rateAt(MIDNIGHT + 90_000);
        assertTrue(ratio > 0.8 && ratio < 1.25 && ratio != 1.0, "noise factor " + ratio);
    }

    @Test
    void dailyShapeIsVisibleInRequestCounts() {
        // one request per second on average over a day: peak 14:00-16:00 vs trough 02:00-04:00
        long[] perHour = new long[24];
        long[] frontendCpuSum = new long[24];
        long[] frontendCpuCount = new long[24];
        TelemetrySink counting = new TelemetrySink() {
            @Override
            public void span(Span s) {
                if (s.getParentSpanId() == null) {
                    perHour[(int) ((s.getStartTimeMs() - MIDNIGHT) / HOUR)]++;
                }
            }

            @Override
            public void metric(MetricPoint m) {
                if (m.getServiceName().equals("frontend") && m.getName().equals(TelemetrySimulator.CPU)) {
                    int h = (int) Math.min(23, (m.getTimeMs() - 1 - MIDNIGHT) / HOUR);
                    frontendCpuSum[h] += Math.round(m.getValue() * 1_000_000);
                    frontendCpuCount[h]++;
                }
            }

            @Override
            public void log(LogRecord l) {
            }
        };
        SimulationResult r = new TelemetrySimulator(SimulatorConfig.builder().startMs(MIDNIGHT)
                .duration(Duration.ofHours(24)).baseRequestRate(1.0).build()).run(counting);
        // mean of cos over a 2 h window centred on the peak is sin(pi/12)/(pi/12)
        double c = Math.sin(Math.PI / 12) / (Math.PI / 12);
        double expectedPeak = 7200 * (1 + c / 3);
        double expectedTrough = 7200 * (1 - c / 3);
        long peak = perHour[14] + perHour[15];
        long trough = perHour[2] + perHour[3];
        assertEquals(expectedPeak, peak, expectedPeak * 0.05, "peak count");
        assertEquals(expectedTrough, trough, expectedTrough * 0.05, "trough count");
        assertEquals(86_400, r.requests(), 86_400 * 0.02, "a day at 1 request/s");
        double cpuPeak = (frontendCpuSum[14] + frontendCpuSum[15]) / 1e6 / (frontendCpuCount[14] + frontendCpuCount[15]);
        double cpuTrough = (frontendCpuSum[2] + frontendCpuSum[3]) / 1e6 / (frontendCpuCount[2] + frontendCpuCount[3]);
        // cpu = idle + (atMean - idle) * load: 0.06 + 0.29 * (1 +- c/3)
        assertEquals(0.06 + 0.29 * (1 + c / 3), cpuPeak, 0.02);
        assertEquals(0.06 + 0.29 * (1 - c / 3), cpuTrough, 0.02);
    }

    @Test
    void baselineErrorRateIsSmallAndNeverBurnsA999Slo() {
        InMemorySink sink = SimFixtures.run(minutes(60).seed(11).build());
        List<Span> spans = sink.spans();
        long servers = spans.stream().filter(SimFixtures::isServer).count();
        // an "own" error is one that did not come from a callee (502 = propagated)
        long own = spans.stream().filter(s -> SimFixtures.isServer(s) && SimFixtures.isError(s)
                && !Integer.valueOf(502).equals(s.getHttpStatusCode())).count();
        double expectedOwn = 0.00005 * servers;
        assertEquals(expectedOwn, own, 5 * Math.sqrt(expectedOwn) + 1, "own errors among " + servers + " server spans");
        for (String service : Topology.standard().serviceNames()) {
            double ratio = SimFixtures.errorRatio(spans, SimFixtures.serverOf(service));
            assertTrue(ratio < 0.0005, service + " error ratio " + ratio + " would burn half a 99.9% budget");
        }
        assertTrue(SimFixtures.errorRatio(spans, s -> s.getParentSpanId() == null) > 0, "some baseline errors show");
    }

    @Test
    void noErrorsWhenTheBaselineIsZero() {
        InMemorySink sink = SimFixtures.run(minutes(10).baselineErrorRate(0).build());
        assertEquals(0, sink.spans().stream().filter(SimFixtures::isError).count());
        assertEquals(0, sink.logs().stream().filter(l -> l.getSeverityNumber() >= 17).count());
    }

    @Test
    void gaugesEveryIntervalInRangeAndPoolsOnlyWhereThereIsADatabaseClient() {
        InMemorySink sink = SimFixtures.run(minutes(10).build());
        // 60 samples x (9 services x cpu+memory + 3 pools)
        assertEquals(60 * (9 * 2 + 3), sink.metrics().size());
        for (MetricPoint m : sink.metrics()) {
            assertTrue(m.getValue() >= 0 && m.getValue() <= 1, m.toString());
            assertEquals("1", m.getUnit());
            assertEquals(0, (m.getTimeMs() - MIDNIGHT) % 10_000, "sampled on the 10 s grid");
            assertTrue(m.getTimeMs() > MIDNIGHT && m.getTimeMs() <= MIDNIGHT + 10 * SimFixtures.MINUTE);
        }
        List<String> pooled = sink.metrics().stream().filter(m -> m.getName().equals(TelemetrySimulator.POOL))
                .map(MetricPoint::getServiceName).distinct().sorted().toList();
        assertEquals(List.of("catalog", "inventory", "payment"), pooled);
    }

    @Test
    void logsCarryTraceContextAndEveryErrorSpanLogsOneErrorLine() {
        InMemorySink sink = SimFixtures.run(minutes(10).baselineErrorRate(0.01).build());
        long errorServerSpans = sink.spans().stream().filter(s -> SimFixtures.isServer(s) && SimFixtures.isError(s)).count();
        long errorLogs = sink.logs().stream().filter(l -> l.getSeverityNumber() == 17).count();
        assertEquals(errorServerSpans, errorLogs);
        java.util.Set<String> spanIds = new java.util.HashSet<>();
        sink.spans().forEach(s -> spanIds.add(s.getSpanId()));
        for (LogRecord l : sink.logs()) {
            assertTrue(spanIds.contains(l.getSpanId()), "log points at an existing span");
            assertEquals(32, l.getTraceId().length());
            assertTrue(!l.getBody().isEmpty() && l.getBody().chars().anyMatch(Character::isDigit), l.getBody());
        }
        long okServerSpansThatLog = sink.spans().stream().filter(s -> SimFixtures.isServer(s) && !SimFixtures.isError(s)
                && !s.getServiceName().equals("cache") && !s.getServiceName().equals("database")).count();
        long infoLogs = sink.logs().stream().filter(l -> l.getSeverityNumber() == 9).count();
        assertEquals(0.1 * okServerSpansThatLog, infoLogs, 5 * Math.sqrt(0.1 * okServerSpansThatLog));
        assertTrue(sink.logs().stream().anyMatch(l -> l.getBody().startsWith("payment declined for order ")));
    }

    @Test
    void deliveryIsInEventTimeOrderWithinTheBound() {
        for (long bound : new long[] {0, 1000}) {
            List<Long> times = new ArrayList<>();
            new TelemetrySimulator(minutes(5).maxOutOfOrdernessMs(bound).badRecordCount(10).build())
                    .run(new TelemetrySink() {
                        @Override
                        public void span(Span s) {
                            times.add(s.getStartTimeMs());
                        }

                        @Override
                        public void metric(MetricPoint m) {
                            times.add(m.getTimeMs());
                        }

                        @Override
                        public void log(LogRecord l) {
                            times.add(l.getTimeMs());
                        }

                        @Override
                        public void malformed(MalformedRecord m) {
                            times.add(m.timestampMs());
                        }
                    });
            long maxSeen = times.get(0);
            long worst = 0;
            for (long t : times) {
                worst = Math.max(worst, maxSeen - t);
                maxSeen = Math.max(maxSeen, t);
            }
            assertTrue(worst <= bound, "out of order by " + worst + " > " + bound);
            if (bound > 0) {
                assertTrue(worst > bound / 2, "jitter is actually applied: " + worst);
            }
        }
    }

    @Test
    void sameSeedSameTelemetryOtherSeedOtherTelemetry() {
        SimulatorConfig config = minutes(5).seed(99).badRecordCount(7)
                .incident(new Incident("payment", IncidentKind.ERROR_BURST, MIDNIGHT + 60_000, MIDNIGHT + 120_000, 0.5))
                .build();
        InMemorySink a = SimFixtures.run(config);
        InMemorySink b = SimFixtures.run(config);
        assertEquals(a.spans(), b.spans());
        assertEquals(a.metrics(), b.metrics());
        assertEquals(a.logs(), b.logs());
        assertEquals(a.malformed(), b.malformed());
        InMemorySink c = SimFixtures.run(config.toBuilder().seed(100).build());
        assertNotEquals(a.spans().get(0).getTraceId(), c.spans().get(0).getTraceId());
        assertNotEquals(a.spans().size(), c.spans().size());
    }

    @Test
    void speedFactorPacesAndInterruptStops() throws Exception {
        SimulationResult paced = new TelemetrySimulator(minutes(1).speedFactor(300).build()).run(TelemetrySink.discard());
        assertTrue(paced.wallNanos() >= 190_000_000L, "60 s of event time at 300x takes >= 0.2 s, took " + paced.wallNanos());
        assertTrue(paced.completed());

        SimulationResult[] result = new SimulationResult[1];
        Thread t = new Thread(() -> result[0] = new TelemetrySimulator(minutes(60).speedFactor(60).build())
                .run(TelemetrySink.discard()));
        t.start();
        Thread.sleep(300);
        t.interrupt();
        t.join(5_000);
        assertTrue(!t.isAlive() && !result[0].completed(), "interrupted run stops early");
        assertTrue(result[0].requests() < 20 * 60, "stopped within the first minute of event time");
    }

    @Test
    void spanStatusIsUnsetOnSuccessAndErrorOnFailure() {
        InMemorySink sink = SimFixtures.run(minutes(5).baselineErrorRate(0.01).build());
        assertTrue(sink.spans().stream().allMatch(s -> s.getStatusCode() == StatusCode.UNSET
                || s.getStatusCode() == StatusCode.ERROR));
    }

    @Test
    void configRejectsNonsense() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> minutes(5)
                .incident(new Incident("nosuch", IncidentKind.LATENCY, MIDNIGHT, MIDNIGHT + 1, 2.0)).build());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Incident("payment", IncidentKind.ERROR_BURST, MIDNIGHT, MIDNIGHT + 1, 1.5));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Incident("payment", IncidentKind.LATENCY, MIDNIGHT, MIDNIGHT, 2.0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> minutes(5).baseRequestRate(0).build());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> minutes(5).metricIntervalMs(1500).build());
    }
}
