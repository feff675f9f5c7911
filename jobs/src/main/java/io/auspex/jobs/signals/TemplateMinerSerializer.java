package io.auspex.jobs.signals;

import io.auspex.models.logs.TemplateMiner;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Versioned serializer of a service's log {@link TemplateMiner} (keyed state of the signals
 * window). Layout: {@link #FORMAT_VERSION}, the length of {@link TemplateMiner#toBytes()} and those
 * bytes. The miner's bytes carry their own version (and its configuration), so a miner format
 * change needs no new layout here. With the heap backend the miner is an object in state, updated
 * in place once per window; this serializer runs at checkpoints (with RocksDB, once per window on
 * the read and once on the write).
 */
public final class TemplateMinerSerializer extends TypeSerializerSingleton<TemplateMiner> {
    private static final long serialVersionUID = 1L;
    public static final TemplateMinerSerializer INSTANCE = new TemplateMinerSerializer();
    /** Written first in every value; bump it and keep reading the old layout on a change. */
    static final int FORMAT_VERSION = 1;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TemplateMiner createInstance() {
        return new TemplateMiner(LogTemplateSettings.DEFAULTS.miner());
    }

    /** A deep copy (the heap backend's copy-on-write during an asynchronous snapshot relies on it). */
    @Override
    public TemplateMiner copy(TemplateMiner from) {
        return TemplateMiner.fromBytes(from.toBytes());
    }

    @Override
    public TemplateMiner copy(TemplateMiner from, TemplateMiner reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(TemplateMiner miner, DataOutputView out) throws IOException {
        byte[] bytes = miner.toBytes();
        out.writeInt(FORMAT_VERSION);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    @Override
    public TemplateMiner deserialize(DataInputView in) throws IOException {
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException("unknown template miner state format version " + version
                    + "; this code reads version " + FORMAT_VERSION);
        }
        int length = in.readInt();
        if (length < 1) {
            throw new IOException("corrupt template miner state (length " + length + ")");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        try {
            return TemplateMiner.fromBytes(bytes);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public TemplateMiner deserialize(TemplateMiner reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<TemplateMiner> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot for savepoint compatibility. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<TemplateMiner> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
