package io.auspex.jobs.decode;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.jobs.Fixtures;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.SpanKind;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The service admission on an operator harness: the limit, what a refused record becomes, the
 * state per admitted service and its retirement, and the count of admitted services after a
 * restore.
 */
class ServiceAdmissionTest {
    static final long RETIRE = 10 * 60_000L;

    static KeyedOneInputStreamOperatorTestHarness<String, Telemetry, Telemetry> harness(int max) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new ServiceAdmission(max, RETIRE, true, "next"),
                new DecodeStage.ServiceSelector(), Types.STRING);
        return h;
    }

    static StreamRecord<Telemetry> span(String service, long t) {
        return new StreamRecord<>(Telemetry.of(Fixtures.span(service, "00000000000000a1", null, SpanKind.SERVER, t)
                .build()).origin("otlp_spans", 2, 99), t);
    }

    static List<String> services(List<Telemetry> out) {
        return out.stream().map(Telemetry::service).toList();
    }

    static List<DeadLetter> refused(KeyedOneInputStreamOperatorTestHarness<String, Telemetry, Telemetry> h) {
        return h.getSideOutput(ServiceAdmission.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void newServicesOverTheLimitAreRefusedAndDeadLetteredAndTheAdmittedGoOn() throws Exception {
        try (var h = harness(3)) {
            h.open();
            for (String s : List.of("a", "b", "c", "d", "a", "e", "c")) {
                h.processElement(span(s, T0));
            }
            assertEquals(List.of("a", "b", "c", "a", "c"), services(h.extractOutputValues()));
            List<DeadLetter> dead = refused(h);
            assertEquals(2, dead.size());
            assertEquals("service_limit", dead.get(0).getReason());
            assertEquals("d", new String(bytes(dead.get(0).getKey())));
            assertEquals("e", new String(bytes(dead.get(1).getKey())));
            assertEquals("otlp_spans", dead.get(0).getSourceTopic());
            assertEquals(2, dead.get(0).getPartition());
            assertEquals(99L, dead.get(0).getOffset());
            assertTrue(dead.get(0).getDetail().startsWith("this subtask holds 3 live services"), dead.get(0)::getDetail);
            // one state entry and one timer per admitted service, none for the refused
            assertEquals(3, h.numKeyedStateEntries());
            assertEquals(3, h.numEventTimeTimers());
            assertEquals(3, ((ServiceAdmission) h.getOperator()).liveServices());
        }
    }

    @Test
    void aServiceWithoutRecordsForRetireAfterIsRetiredAndItsSlotFreed() throws Exception {
        try (var h = harness(2)) {
            h.open();
            h.processElement(span("a", T0));
            h.processElement(span("b", T0));
            // b keeps sending (its newest time is kept at most once a minute), a goes quiet
            h.processElement(span("b", T0 + 5 * 60_000L));
            h.processElement(span("b", T0 + 5 * 60_000L + 30_000L));
            h.processWatermark(T0 + RETIRE - 1);
            assertEquals(2, h.numKeyedStateEntries());
            h.processElement(span("c", T0 + RETIRE - 1));
            assertEquals(1, refused(h).size());
            h.processWatermark(T0 + RETIRE);
            // a retired; b's timer fired early and waits for the rest of its time
            assertEquals(1, h.numKeyedStateEntries());
            assertEquals(1, h.numEventTimeTimers());
            h.processElement(span("c", T0 + RETIRE + 1));
            assertEquals(List.of("a", "b", "b", "b", "c"), services(h.extractOutputValues()));
            h.processWatermark(T0 + 5 * 60_000L + 30_000L + RETIRE);
            // b retired too, c stays
            assertEquals(1, h.numKeyedStateEntries());
            h.processWatermark(Long.MAX_VALUE);
            // everything retires in the end: no state left behind
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
            assertEquals(0, ((ServiceAdmission) h.getOperator()).liveServices());
        }
    }

    @Test
    void theCountOfAdmittedServicesIsRightAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(2)) {
            h.open();
            h.processElement(span("a", T0));
            h.processElement(span("b", T0));
            snapshot = h.snapshot(1, T0);
        }
        try (var h = harness(2)) {
            h.initializeState(snapshot);
            h.open();
            assertEquals(2, ((ServiceAdmission) h.getOperator()).liveServices());
            h.processElement(span("c", T0 + 1));
            h.processElement(span("a", T0 + 1));
            assertEquals(List.of("a"), services(h.extractOutputValues()));
            assertEquals(1, refused(h).size());
            // the restored timers still retire them
            h.processWatermark(T0 + RETIRE);
            assertEquals(0, h.numKeyedStateEntries());
        }
    }

    @Test
    void theSubtasksSharesAddUpToTheLimitAtEveryParallelism() {
        for (int parallelism : new int[] {1, 2, 3, 7, 128}) {
            long sum = 0;
            for (int i = 0; i < parallelism; i++) {
                var range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(128, parallelism, i);
                long share = ServiceAdmission.share(10_000, range, 128);
                sum += share;
                // proportional to the subtask's key groups
                double exact = 10_000.0 * range.getNumberOfKeyGroups() / 128;
                assertTrue(Math.abs(share - exact) < 1, parallelism + "/" + i + ": " + share + " for " + exact);
            }
            assertEquals(10_000, sum, "parallelism " + parallelism);
        }
        assertEquals(3359, ServiceAdmission.share(10_000,
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(128, 3, 0), 128));
        assertEquals(3282, ServiceAdmission.share(10_000,
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(128, 3, 2), 128));
    }

    static byte[] bytes(java.nio.ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
