package io.auspex.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AvroBinaryTest {

    private final AvroBinary<MetricPoint> codec = new AvroBinary<>(MetricPoint.class);

    @Test
    void encodesPlainAvroBinaryWithoutHeader() throws IOException {
        MetricPoint m = new MetricPoint("svc", "cpu", 5L, 0.5, "1", Map.of());
        byte[] bytes = codec.encode(m);
        // service_name first: zig-zag varint length 3 (= 6), then the UTF-8 bytes; no magic byte or schema id
        assertEquals(6, bytes[0]);
        assertEquals("svc", new String(Arrays.copyOfRange(bytes, 1, 4), StandardCharsets.UTF_8));
        // 1+3 service, 1+3 name, 1 time (zig-zag 10), 8 double, 1+1 unit, 1 empty map = 20 bytes
        assertEquals(20, bytes.length);
        assertEquals(m, codec.decode(bytes));
        assertArrayEquals(bytes, codec.encode(codec.decode(bytes)));
    }

    @Test
    void rejectsTrailingTruncatedAndNegativeLengthBytes() {
        byte[] bytes = codec.encode(new MetricPoint("svc", "cpu", 5L, 0.5, "1", Map.of()));
        assertThrows(IOException.class, () -> codec.decode(Arrays.copyOf(bytes, bytes.length + 1)));
        assertThrows(IOException.class, () -> codec.decode(Arrays.copyOf(bytes, bytes.length - 1)));
        assertThrows(IOException.class, () -> codec.decode(new byte[] {1, 2, 3, 4}));
    }
}
