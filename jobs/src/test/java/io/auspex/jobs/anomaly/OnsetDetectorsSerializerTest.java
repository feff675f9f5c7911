package io.auspex.jobs.anomaly;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.auspex.jobs.Fixtures;
import io.auspex.models.detector.StreamingDetector;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class OnsetDetectorsSerializerTest {

    private static StreamingDetector[] trained() {
        StreamingDetector[] detectors = OnsetDetectors.of(new SignalBaselines.BaselineState());
        for (int i = 0; i < 300; i++) {
            OnsetDetectors.score(detectors, Fixtures.signals("s", T0 + i * 10_000L).setTrafficRps(10 + i % 3).build());
        }
        detectors[5] = null;
        return detectors;
    }

    private static byte[] bytes(StreamingDetector[] detectors) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        OnsetDetectorsSerializer.INSTANCE.serialize(detectors, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void roundTripKeepsEveryDetectorExactly() throws IOException {
        StreamingDetector[] detectors = trained();
        StreamingDetector[] back = OnsetDetectorsSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes(detectors)));
        assertEquals(detectors.length, back.length);
        assertNull(back[5]);
        for (int i = 0; i < 5; i++) {
            assertEquals(detectors[i].snapshot(), back[i].snapshot(), "detector " + i);
        }
        DataOutputSerializer copied = new DataOutputSerializer(64);
        OnsetDetectorsSerializer.INSTANCE.copy(new DataInputDeserializer(bytes(detectors)), copied);
        assertArrayEquals(bytes(detectors), copied.getCopyOfBuffer());
    }

    @Test
    void copyIsDeep() {
        StreamingDetector[] detectors = trained();
        StreamingDetector[] copy = OnsetDetectorsSerializer.INSTANCE.copy(detectors);
        assertNotSame(detectors[0], copy[0]);
        copy[0].score(T0 / 1000 + 3000, 1e6);
        assertEquals(300, detectors[0].rows(), "the original has not learned the copy's row");
        assertEquals(301, copy[0].rows());
    }

    @Test
    void anUnknownFormatVersionIsRejected() throws IOException {
        byte[] b = bytes(trained());
        b[3] = 9;
        assertThrows(IOException.class, () -> OnsetDetectorsSerializer.INSTANCE.deserialize(new DataInputDeserializer(b)));
    }
}
