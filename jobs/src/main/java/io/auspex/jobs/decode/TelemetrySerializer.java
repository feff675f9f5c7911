package io.auspex.jobs.decode;

import io.auspex.jobs.io.AvroCodec;
import io.auspex.jobs.io.SerializerTypeInfo;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The serializer of {@link Telemetry} on the network: a tag byte naming the one field that is set,
 * that record (in Flink's Avro encoding, through the generated class's own coder: {@link
 * AvroCodec}), then the origin. Flink's POJO serializer, which this
 * replaces, built an empty record for each of the four Avro fields of every record it read before
 * it read which one was set (4 % of the pipeline's CPU in a profile). {@code Telemetry} is never
 * kept in state, so no savepoint holds this format; it has a version byte all the same.
 */
public final class TelemetrySerializer extends TypeSerializer<Telemetry> {
    private static final long serialVersionUID = 1L;
    static final int VERSION = 1;
    private static final int NONE = 0;
    private static final int SPAN = 1;
    private static final int METRIC = 2;
    private static final int LOG = 3;
    private static final int DEAD = 4;

    // the codecs keep an encoder and a decoder: one set per duplicate
    private final transient AvroCodec<Span> spans = new AvroCodec<>(Span.class, Span.getClassSchema());
    private final transient AvroCodec<MetricPoint> metrics = new AvroCodec<>(MetricPoint.class, MetricPoint.getClassSchema());
    private final transient AvroCodec<LogRecord> logs = new AvroCodec<>(LogRecord.class, LogRecord.getClassSchema());
    private final transient AvroCodec<DeadLetter> deads = new AvroCodec<>(DeadLetter.class, DeadLetter.getClassSchema());

    /** After Java deserialization (the job graph carries serializers): a new one, with its codecs. */
    private Object readResolve() {
        return new TelemetrySerializer();
    }

    @Override public boolean isImmutableType() { return false; }
    @Override public TypeSerializer<Telemetry> duplicate() { return new TelemetrySerializer(); }
    @Override public Telemetry createInstance() { return new Telemetry(); }
    @Override public int getLength() { return -1; }

    @Override
    public Telemetry copy(Telemetry from) {
        Telemetry t = new Telemetry();
        t.span = from.span == null ? null : spans.copy(from.span);
        t.metric = from.metric == null ? null : metrics.copy(from.metric);
        t.log = from.log == null ? null : logs.copy(from.log);
        t.deadLetter = from.deadLetter == null ? null : deads.copy(from.deadLetter);
        t.topic = from.topic;
        t.partition = from.partition;
        t.offset = from.offset;
        return t;
    }

    @Override
    public Telemetry copy(Telemetry from, Telemetry reuse) {
        return copy(from);
    }

    @Override
    public void serialize(Telemetry t, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        // exactly one is set; a record with several (not made by this project) keeps the first only
        if (t.span != null) {
            out.writeByte(SPAN);
            spans.write(t.span, out);
        } else if (t.metric != null) {
            out.writeByte(METRIC);
            metrics.write(t.metric, out);
        } else if (t.log != null) {
            out.writeByte(LOG);
            logs.write(t.log, out);
        } else if (t.deadLetter != null) {
            out.writeByte(DEAD);
            deads.write(t.deadLetter, out);
        } else {
            out.writeByte(NONE);
        }
        out.writeBoolean(t.topic != null);
        if (t.topic != null) {
            StringValue.writeString(t.topic, out);
        }
        out.writeInt(t.partition);
        out.writeLong(t.offset);
    }

    @Override
    public Telemetry deserialize(DataInputView in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown Telemetry format version " + version);
        }
        Telemetry t = new Telemetry();
        int tag = in.readUnsignedByte();
        switch (tag) {
            case NONE -> { }
            case SPAN -> t.span = spans.read(in);
            case METRIC -> t.metric = metrics.read(in);
            case LOG -> t.log = logs.read(in);
            case DEAD -> t.deadLetter = deads.read(in);
            default -> throw new IOException("unknown Telemetry tag " + tag);
        }
        t.topic = in.readBoolean() ? StringValue.readString(in) : null;
        t.partition = in.readInt();
        t.offset = in.readLong();
        return t;
    }

    @Override
    public Telemetry deserialize(Telemetry reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override public boolean equals(Object o) { return o instanceof TelemetrySerializer; }
    @Override public int hashCode() { return TelemetrySerializer.class.hashCode(); }

    @Override
    public TypeSerializerSnapshot<Telemetry> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration: its snapshot restores a new one. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Telemetry> {
        public Snapshot() {
            super(TelemetrySerializer::new);
        }
    }

    /** Picked up through {@code @TypeInfo} on {@link Telemetry}. */
    public static final class Factory extends TypeInfoFactory<Telemetry> {
        @Override
        public TypeInformation<Telemetry> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new SerializerTypeInfo<>(Telemetry.class, TelemetrySerializer::new);
        }
    }
}
