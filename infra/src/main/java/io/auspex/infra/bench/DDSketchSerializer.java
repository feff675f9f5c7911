package io.auspex.infra.bench;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of a DDSketch (the UDAF's accumulator in state): its own binary encoding,
 * length-prefixed. Without it the Table planner would treat the sketch as a RAW type serialized
 * by Kryo, which the bench disables ({@code pipeline.generic-types: false}) as the pipeline does.
 */
public final class DDSketchSerializer extends TypeSerializerSingleton<DDSketch> {
    private static final long serialVersionUID = 1L;
    static final DDSketchSerializer INSTANCE = new DDSketchSerializer();
    static final double RELATIVE_ACCURACY = 0.01;

    static DDSketch newSketch() {
        return DDSketches.logarithmicUnboundedDense(RELATIVE_ACCURACY);
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public DDSketch createInstance() {
        return newSketch();
    }

    @Override
    public DDSketch copy(DDSketch from) {
        return from.copy();
    }

    @Override
    public DDSketch copy(DDSketch from, DDSketch reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DDSketch sketch, DataOutputView out) throws IOException {
        GrowingByteArrayOutput bytes = GrowingByteArrayOutput.withDefaultInitialCapacity();
        sketch.encode(bytes, false);
        out.writeInt(bytes.numWrittenBytes());
        out.write(bytes.backingArray(), 0, bytes.numWrittenBytes());
    }

    @Override
    public DDSketch deserialize(DataInputView in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return DDSketch.decode(ByteArrayInput.wrap(bytes), UnboundedSizeDenseStore::new);
    }

    @Override
    public DDSketch deserialize(DDSketch reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        int n = in.readInt();
        out.writeInt(n);
        out.write(in, n);
    }

    @Override
    public TypeSerializerSnapshot<DDSketch> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Stateless serializer: the snapshot only names it. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DDSketch> {
        public Snapshot() {
            super(DDSketchSerializer::new);
        }
    }
}
