package io.auspex.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ids consumers deduplicate the at-least-once topics on (docs/topics.md): exact, and only from what identifies the record. */
class RecordIdsTest {

    static ServiceSignals window(String service, long end, long requests) {
        return ServiceSignals.newBuilder().setServiceName(service).setWindowStartMs(end - 10_000).setWindowEndMs(end)
                .setRequestCount(requests).setTrafficRps(requests / 10.0).setErrorSpanCount(0).setHttp5xxCount(0)
                .setErrorLogCount(0).setLogCount(0).setErrorRatio(0).setLatencyP50Ms(1).setLatencyP90Ms(2)
                .setLatencyP99Ms(3).setLatencyMaxMs(4).setSaturation(0).build();
    }

    static DeadLetter.Builder deadLetter() {
        return DeadLetter.newBuilder().setSourceTopic("otlp_spans").setPartition(1).setOffset(42).setTimestampMs(5)
                .setKey(ByteBuffer.wrap("checkout".getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3})).setReason("invalid_id").setDetail("span id");
    }

    static SloStatus.Builder status() {
        return SloStatus.newBuilder().setSlo("checkout-availability").setService("checkout").setInstance("")
                .setEventTimeMs(1_764_000_060_000L).setObjective(99.9).setBurnRates(Map.of("5m", 1.5))
                .setErrorBudgetRemaining(0.5);
    }

    @Test
    void aSignalsWindowIsItsServiceAndWindowEnd() {
        assertEquals("checkout@1764000010000", RecordIds.of(window("checkout", 1_764_000_010_000L, 10)));
        assertEquals("a@b@20", RecordIds.of(window("a@b", 20, 10)));
        assertEquals(RecordIds.of(window("checkout", 10_000, 10)), RecordIds.of(window("checkout", 10_000, 11)));
    }

    @Test
    void aDeadLetterIsItsOriginReasonAndValue() {
        assertEquals("7ed2b3eddadbf6be97f510fd293b7941", RecordIds.of(deadLetter().build()));
        // the detail, key and timestamp do not identify it
        assertEquals(RecordIds.of(deadLetter().build()), RecordIds.of(deadLetter().setDetail("other")
                .setKey(null).setTimestampMs(6).build()));
        List<String> ids = new ArrayList<>();
        ids.add(RecordIds.of(deadLetter().build()));
        ids.add(RecordIds.of(deadLetter().setSourceTopic("otlp_logs").build()));
        ids.add(RecordIds.of(deadLetter().setPartition(0).build()));
        ids.add(RecordIds.of(deadLetter().setOffset(43).build()));
        ids.add(RecordIds.of(deadLetter().setRecordIndex(0).build()));
        ids.add(RecordIds.of(deadLetter().setRecordIndex(1).build()));
        ids.add(RecordIds.of(deadLetter().setReason("late").build()));
        ids.add(RecordIds.of(deadLetter().setValue(ByteBuffer.wrap(new byte[] {1, 2, 4})).build()));
        ids.add(RecordIds.of(deadLetter().setValue(null).build()));
        ids.add(RecordIds.of(deadLetter().setValueTruncatedFrom(3_000_000L).setValueSha256("ab").build()));
        assertEquals(ids.size(), ids.stream().distinct().count(), ids.toString());
        // reading the value does not consume it
        DeadLetter l = deadLetter().build();
        RecordIds.of(l);
        assertEquals(3, l.getValue().remaining());
    }

    @Test
    void anSloStatusIsItsInstanceAndMinute() {
        assertEquals("5022d68a9dbb1ec952663711aecf5236", RecordIds.of(status().build()));
        assertEquals(RecordIds.of(status().build()), RecordIds.of(status().setErrorBudgetRemaining(0.4).build()));
        assertNotEquals(RecordIds.of(status().build()), RecordIds.of(status().setInstance("GET /").build()));
        assertNotEquals(RecordIds.of(status().build()), RecordIds.of(status().setEventTimeMs(1_764_000_120_000L).build()));
        // fields are length-prefixed: moving a character from one to the next changes the id
        assertNotEquals(RecordIds.of(status().setSlo("ab").setService("c").build()),
                RecordIds.of(status().setSlo("a").setService("bc").build()));
    }

    @Test
    void firstOfEachIdKeepsTheFirstRecordOfEachWindow() {
        List<ServiceSignals> kept = new ArrayList<>();
        FirstOfEachId<ServiceSignals> distinct = FirstOfEachId.signals(kept::add);
        for (ServiceSignals s : List.of(window("a", 10, 1), window("b", 10, 2), window("a", 10, 3), window("a", 20, 4),
                window("b", 10, 5))) {
            distinct.accept(s);
        }
        assertEquals(List.of(1L, 2L, 4L), kept.stream().map(ServiceSignals::getRequestCount).toList());
        assertEquals(2, distinct.duplicates());
    }
}
