package io.auspex.jobs.signals;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.types.StringValue;
import org.apache.flink.core.memory.DataOutputView;

/** Hand-written, versioned serializer of {@link SignalsAccumulator} (window state). */
public final class SignalsAccumulatorSerializer extends TypeSerializerSingleton<SignalsAccumulator> {
    private static final long serialVersionUID = 1L;
    public static final SignalsAccumulatorSerializer INSTANCE = new SignalsAccumulatorSerializer();
    /**
     * Format version written first in every record; bump it and keep reading old ones on change.
     * Version 2 writes strings with Flink's {@link StringValue} encoding (no 64 KiB limit, any
     * string) and adds the counters, the cumulative series and the histogram-derived signals;
     * version 1 (strings as {@code writeUTF}) is still read. Version 3 adds the masked log lines
     * (the bound, each text with its counts and first and last time) and the overflow counts;
     * an accumulator of version 1 or 2 reads with no line kept and all its logs as overflow.
     * Version 4 adds the operations bound and the count of spans left out of the operations; an
     * older accumulator reads with the default bound and none left out.
     */
    static final int FORMAT_VERSION = 4;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public SignalsAccumulator createInstance() {
        return new SignalsAccumulator(0);
    }

    @Override
    public SignalsAccumulator copy(SignalsAccumulator from) {
        SignalsAccumulator c = new SignalsAccumulator(from.overCounts.length);
        c.maxLogLines = from.maxLogLines;
        c.maxOperations = from.maxOperations;
        c.merge(from);
        return c;
    }

    @Override
    public SignalsAccumulator copy(SignalsAccumulator from, SignalsAccumulator reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SignalsAccumulator a, DataOutputView out) throws IOException {
        out.writeInt(FORMAT_VERSION);
        out.writeLong(a.requests);
        out.writeLong(a.errorSpans);
        out.writeLong(a.http5xx);
        out.writeLong(a.errorLogs);
        out.writeLong(a.logs);
        GrowingByteArrayOutput sketch = GrowingByteArrayOutput.withDefaultInitialCapacity();
        a.latencyMs.encode(sketch, false);
        out.writeInt(sketch.numWrittenBytes());
        out.write(sketch.backingArray(), 0, sketch.numWrittenBytes());
        writeLongs(a.overCounts, out);
        writeDoubles(a.gauges, out);
        out.writeInt(a.operations.size());
        for (Map.Entry<String, SignalsAccumulator.OperationAcc> e : a.operations.entrySet()) {
            StringValue.writeString(e.getKey(), out);
            out.writeLong(e.getValue().total);
            out.writeLong(e.getValue().errors);
            writeLongs(e.getValue().over, out);
        }
        out.writeInt(a.exemplars.size());
        for (String s : a.exemplars) {
            StringValue.writeString(s, out);
        }
        out.writeInt(a.templates.size());
        for (Map.Entry<String, Long> e : a.templates.entrySet()) {
            StringValue.writeString(e.getKey(), out);
            out.writeLong(e.getValue());
        }
        // version 2
        writeDoubles(a.counters, out);
        out.writeInt(a.cumulative.size());
        for (Map.Entry<String, SeriesPoint> e : a.cumulative.entrySet()) {
            StringValue.writeString(e.getKey(), out);
            SeriesPoint p = e.getValue();
            StringValue.writeString(p.name, out);
            StringValue.writeString(p.unit, out);
            out.writeBoolean(p.histogram);
            out.writeBoolean(p.error);
            out.writeLong(p.timeMs);
            out.writeLong(p.startMs);
            out.writeDouble(p.value);
            out.writeLong(p.count);
            out.writeInt(p.bounds.length);
            for (double b : p.bounds) {
                out.writeDouble(b);
            }
            writeLongs(p.buckets, out);
        }
        out.writeLong(a.histRequests);
        out.writeLong(a.histErrors);
        GrowingByteArrayOutput hist = GrowingByteArrayOutput.withDefaultInitialCapacity();
        a.histLatencyMs.encode(hist, false);
        out.writeInt(hist.numWrittenBytes());
        out.write(hist.backingArray(), 0, hist.numWrittenBytes());
        writeLongs(a.histOver, out);
        // version 3
        out.writeInt(a.maxLogLines);
        out.writeInt(a.logLines.size());
        for (Map.Entry<String, SignalsAccumulator.LineCount> e : a.logLines.entrySet()) {
            StringValue.writeString(e.getKey(), out);
            SignalsAccumulator.LineCount c = e.getValue();
            out.writeLong(c.count);
            out.writeLong(c.errorCount);
            out.writeLong(c.firstMs);
            out.writeLong(c.lastMs);
        }
        out.writeLong(a.logOverflow);
        out.writeLong(a.errorLogOverflow);
        // version 4
        out.writeInt(a.maxOperations);
        out.writeLong(a.unlistedOperationSpans);
    }

    private static void writeDoubles(Map<String, Double> m, DataOutputView out) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, Double> e : m.entrySet()) {
            StringValue.writeString(e.getKey(), out);
            out.writeDouble(e.getValue());
        }
    }

    /** A string of this version's encoding. */
    private static String readString(int version, DataInputView in) throws IOException {
        return version == 1 ? in.readUTF() : StringValue.readString(in);
    }

    @Override
    public SignalsAccumulator deserialize(DataInputView in) throws IOException {
        int version = in.readInt();
        if (version < 1 || version > FORMAT_VERSION) {
            throw new IOException("unknown SignalsAccumulator format version " + version);
        }
        long requests = in.readLong();
        long errorSpans = in.readLong();
        long http5xx = in.readLong();
        long errorLogs = in.readLong();
        long logs = in.readLong();
        byte[] sketch = new byte[in.readInt()];
        in.readFully(sketch);
        long[] over = readLongs(in);
        SignalsAccumulator a = new SignalsAccumulator(over.length);
        a.requests = requests;
        a.errorSpans = errorSpans;
        a.http5xx = http5xx;
        a.errorLogs = errorLogs;
        a.logs = logs;
        a.latencyMs = DDSketch.decode(ByteArrayInput.wrap(sketch), UnboundedSizeDenseStore::new);
        a.overCounts = over;
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            a.gauges.put(readString(version, in), in.readDouble());
        }
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            String name = readString(version, in);
            SignalsAccumulator.OperationAcc op = new SignalsAccumulator.OperationAcc(0);
            op.total = in.readLong();
            op.errors = in.readLong();
            op.over = readLongs(in);
            a.operations.put(name, op);
        }
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            a.exemplars.add(readString(version, in));
        }
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            a.templates.put(readString(version, in), in.readLong());
        }
        if (version == 1) {
            a.histOver = new long[over.length];
            return olderLogs(a);
        }
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            a.counters.put(StringValue.readString(in), in.readDouble());
        }
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            String key = StringValue.readString(in);
            SeriesPoint p = new SeriesPoint();
            p.name = StringValue.readString(in);
            p.unit = StringValue.readString(in);
            p.histogram = in.readBoolean();
            p.error = in.readBoolean();
            p.timeMs = in.readLong();
            p.startMs = in.readLong();
            p.value = in.readDouble();
            p.count = in.readLong();
            p.bounds = new double[in.readInt()];
            for (int j = 0; j < p.bounds.length; j++) {
                p.bounds[j] = in.readDouble();
            }
            p.buckets = readLongs(in);
            a.cumulative.put(key, p);
        }
        a.histRequests = in.readLong();
        a.histErrors = in.readLong();
        byte[] hist = new byte[in.readInt()];
        in.readFully(hist);
        a.histLatencyMs = DDSketch.decode(ByteArrayInput.wrap(hist), UnboundedSizeDenseStore::new);
        a.histOver = readLongs(in);
        if (version == 2) {
            return olderLogs(a);
        }
        a.maxLogLines = in.readInt();
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            String text = StringValue.readString(in);
            SignalsAccumulator.LineCount c = new SignalsAccumulator.LineCount();
            c.count = in.readLong();
            c.errorCount = in.readLong();
            c.firstMs = in.readLong();
            c.lastMs = in.readLong();
            a.logLines.put(text, c);
        }
        a.logOverflow = in.readLong();
        a.errorLogOverflow = in.readLong();
        if (version == 3) {
            return a;
        }
        a.maxOperations = in.readInt();
        a.unlistedOperationSpans = in.readLong();
        return a;
    }

    /** An accumulator written before version 3 kept no log line: all its logs count as overflow. */
    private static SignalsAccumulator olderLogs(SignalsAccumulator a) {
        a.logOverflow = a.logs;
        a.errorLogOverflow = a.errorLogs;
        return a;
    }

    @Override
    public SignalsAccumulator deserialize(SignalsAccumulator reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<SignalsAccumulator> snapshotConfiguration() {
        return new Snapshot();
    }

    private static void writeLongs(long[] v, DataOutputView out) throws IOException {
        out.writeInt(v.length);
        for (long x : v) {
            out.writeLong(x);
        }
    }

    private static long[] readLongs(DataInputView in) throws IOException {
        long[] v = new long[in.readInt()];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readLong();
        }
        return v;
    }

    /** Serializer snapshot for savepoint compatibility. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SignalsAccumulator> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
