package io.auspex.jobs.signals;

import static io.auspex.jobs.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.auspex.models.logs.MinerConfig;
import io.auspex.models.logs.TemplateMiner;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class TemplateMinerSerializerTest {

    static TemplateMiner miner() {
        TemplateMiner m = new TemplateMiner(MinerConfig.DEFAULTS.withMaxClusters(10));
        m.add("order <UUID> not found", T0, true);
        m.add("GET <PATH> took <NUM> ms", 4, 0, T0, T0 + 9);
        m.add("GET <PATH> took <NUM> s", T0 + 10, false);
        return m;
    }

    @Test
    void roundTripAndDeepCopy() throws Exception {
        TemplateMiner m = miner();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TemplateMinerSerializer.INSTANCE.serialize(m, out);
        TemplateMiner back = TemplateMinerSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(m.config(), back.config());
        assertEquals(m.templates(), back.templates());
        TemplateMiner copy = TemplateMinerSerializer.INSTANCE.copy(m);
        assertNotSame(m, copy);
        copy.add("a new line", T0 + 20, false);
        assertEquals(2, m.size(), "the copy is deep");
        assertEquals(3, copy.size());
    }

    @Test
    void unknownVersionsAreRejectedClearly() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeInt(2);
        IOException e = assertThrows(IOException.class,
                () -> TemplateMinerSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())));
        assertEquals("unknown template miner state format version 2; this code reads version 1", e.getMessage());

        byte[] bytes = miner().toBytes();
        bytes[0] = 7;
        DataOutputSerializer inner = new DataOutputSerializer(64);
        inner.writeInt(1);
        inner.writeInt(bytes.length);
        inner.write(bytes);
        e = assertThrows(IOException.class,
                () -> TemplateMinerSerializer.INSTANCE.deserialize(new DataInputDeserializer(inner.getCopyOfBuffer())));
        assertEquals("unknown template miner snapshot version 7; this code reads version 1", e.getMessage());
    }
}
