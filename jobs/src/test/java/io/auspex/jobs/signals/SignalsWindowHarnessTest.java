package io.auspex.jobs.signals;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.auspex.jobs.Fixtures;
import io.auspex.jobs.decode.Telemetry;
import io.auspex.schemas.ServiceSignals;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The golden-signals window operator exactly as the job builds it ({@link SignalsWindowOperator}: 10 s
 * tumbling event-time windows, late data to a side output): one record per service per window when the watermark
 * passes, state and timers gone afterwards, late records not dropped.
 */
class SignalsWindowHarnessTest {
    static final long W = 10_000;

    static KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> harness() throws Exception {
        long[] thresholds = {300};
        OneInputStreamOperator<Telemetry, ServiceSignals> op = new SignalsWindowOperator(W,
                new SignalsAggregate(thresholds), new SignalsWindowFunction(thresholds, SaturationGauges.DEFAULT),
                SignalsStage.LATE);
        KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> h =
                new KeyedOneInputStreamOperatorTestHarness<>(op, new ServiceKey(), Types.STRING);
        h.open();
        return h;
    }

    static long openWindows(KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> h) {
        return ((SignalsWindowOperator) h.getOperator()).openWindows();
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, Telemetry, ServiceSignals> h, Telemetry t)
            throws Exception {
        h.processElement(t, t.eventTimeMs());
    }

    @Test
    void oneRecordPerServiceAndWindowThenNothingLeft() throws Exception {
        var h = harness();
        long w0 = T0; // T0 is a multiple of 10 s
        add(h, Telemetry.of(Fixtures.server("checkout", w0 + 1_000, 400_000, false)));
        add(h, Telemetry.of(Fixtures.server("checkout", w0 + 2_000, 20_000, true)));
        add(h, Telemetry.of(Fixtures.log("checkout", w0 + 3_000, 17, "timeout after 3000 ms")));
        add(h, Telemetry.of(Fixtures.gauge("payment", "process.cpu.utilization", w0 + 4_000, 0.8)));
        add(h, Telemetry.of(Fixtures.server("checkout", w0 + W + 1, 20_000, false)));
        assertEquals(3, openWindows(h), "checkout and payment in window 0, checkout in window 1");

        h.processWatermark(w0 + W - 1);
        List<ServiceSignals> out = h.extractOutputValues();
        assertEquals(2, out.size());
        ServiceSignals checkout = out.stream().filter(s -> s.getServiceName().equals("checkout")).findFirst()
                .orElseThrow();
        assertEquals(w0, checkout.getWindowStartMs());
        assertEquals(2, checkout.getRequestCount());
        assertEquals(1, checkout.getErrorSpanCount());
        assertEquals(1L, checkout.getLatencyOverMs().get("300"));
        assertEquals(List.of("timeout after <n> ms"), checkout.getErrorLogTemplates());
        ServiceSignals payment = out.stream().filter(s -> s.getServiceName().equals("payment")).findFirst()
                .orElseThrow();
        assertEquals(0.8, payment.getSaturation(), 1e-12);
        assertEquals(1, openWindows(h));

        // a record for the closed window is late: side output, never silently dropped
        add(h, Telemetry.of(Fixtures.server("checkout", w0 + 5_000, 20_000, false)));
        assertEquals(1, h.getSideOutput(SignalsStage.LATE).size());
        assertEquals(2, h.extractOutputValues().size());

        h.processWatermark(w0 + 2 * W);
        assertEquals(3, h.extractOutputValues().size());
        assertEquals(0, openWindows(h));
        assertEquals(2, h.numEventTimeTimers(), "one retirement timer per service");
        // window state is cleared when the window fires; what stays is payment's last CPU sample, carried until
        // stale, checkout's log template miner (it logged), and each service's newest window end
        assertEquals(4, h.numKeyedStateEntries());
        // 6 h (auspex.anomaly.retire-after's default) of event time later without a window: all cleared
        h.processWatermark(w0 + 2 * W + java.time.Duration.ofHours(6).toMillis());
        assertEquals(0, h.numEventTimeTimers());
        assertEquals(0, h.numKeyedStateEntries());
        h.close();
    }
}
