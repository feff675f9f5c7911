package io.auspex.jobs.graph;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * {@link GraphEvent} on the network: a version byte, a byte of kind and flags, the strings (a
 * span's parent, a CLIENT span's peers and a line's text only when present), two longs. A
 * {@code GraphEvent} is never kept in state, so no savepoint holds this format.
 */
public final class GraphEventSerializer extends TypeSerializer<GraphEvent> {
    private static final long serialVersionUID = 1L;
    static final int VERSION = 1;
    private static final GraphEvent.Kind[] KINDS = GraphEvent.Kind.values();
    private static final int ERROR = 0x10;
    private static final int PARENT = 0x20;
    private static final int PEERS = 0x40;
    private static final int TEXT = 0x80;

    @Override public boolean isImmutableType() { return true; }
    @Override public TypeSerializer<GraphEvent> duplicate() { return this; }
    @Override public GraphEvent createInstance() { return null; }
    @Override public int getLength() { return -1; }
    // immutable: the same object serves as its copy
    @Override public GraphEvent copy(GraphEvent from) { return from; }
    @Override public GraphEvent copy(GraphEvent from, GraphEvent reuse) { return from; }

    @Override
    public void serialize(GraphEvent e, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeByte(e.kind.ordinal() | (e.error ? ERROR : 0) | (e.parentSpanId != null ? PARENT : 0)
                | (e.peers != null ? PEERS : 0) | (e.text != null ? TEXT : 0));
        StringValue.writeString(e.traceId, out);
        StringValue.writeString(e.spanId, out);
        if (e.parentSpanId != null) {
            StringValue.writeString(e.parentSpanId, out);
        }
        StringValue.writeString(e.service, out);
        out.writeLong(e.timeMs);
        out.writeLong(e.durationUs);
        if (e.peers != null) {
            out.writeInt(e.peers.length);
            for (String p : e.peers) {
                StringValue.writeString(p, out);
            }
        }
        if (e.text != null) {
            StringValue.writeString(e.text, out);
        }
    }

    @Override
    public GraphEvent deserialize(DataInputView in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown GraphEvent format version " + version);
        }
        int flags = in.readUnsignedByte();
        int kind = flags & 0x0f;
        if (kind >= KINDS.length) {
            throw new IOException("unknown GraphEvent kind " + kind);
        }
        String trace = StringValue.readString(in);
        String span = StringValue.readString(in);
        String parent = (flags & PARENT) != 0 ? StringValue.readString(in) : null;
        String service = StringValue.readString(in);
        long timeMs = in.readLong();
        long durationUs = in.readLong();
        String[] peers = null;
        if ((flags & PEERS) != 0) {
            peers = new String[in.readInt()];
            for (int i = 0; i < peers.length; i++) {
                peers[i] = StringValue.readString(in);
            }
        }
        String text = (flags & TEXT) != 0 ? StringValue.readString(in) : null;
        return new GraphEvent(KINDS[kind], trace, span, parent, service, timeMs, durationUs, (flags & ERROR) != 0,
                peers, text);
    }

    @Override
    public GraphEvent deserialize(GraphEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override public boolean equals(Object o) { return o instanceof GraphEventSerializer; }
    @Override public int hashCode() { return GraphEventSerializer.class.hashCode(); }

    @Override
    public TypeSerializerSnapshot<GraphEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration: its snapshot restores a new one. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<GraphEvent> {
        public Snapshot() {
            super(GraphEventSerializer::new);
        }
    }
}
