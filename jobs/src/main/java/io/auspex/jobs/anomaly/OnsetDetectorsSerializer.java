package io.auspex.jobs.anomaly;

import io.auspex.models.detector.DetectorState;
import io.auspex.models.detector.StreamingDetector;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Versioned serializer of a service's onset detectors ({@link OnsetDetectors}: one
 * {@link StreamingDetector} per golden signal, null where a signal has not been scored yet).
 *
 * <p>The detectors live in keyed state as objects: with the heap state backend a window scores
 * them in place and nothing is serialized until a checkpoint; this serializer runs only there (and,
 * with RocksDB, where the backend reads and writes the value). Layout: {@link #FORMAT_VERSION}, the
 * number of detectors, then per detector the length of its {@link DetectorState#toBytes()} (-1 for
 * none) and those bytes. The detector bytes carry their own version, and
 * {@link DetectorState#fromBytes(byte[])} reads every earlier one, so a detector state upgrade
 * needs no new format here.
 */
public final class OnsetDetectorsSerializer extends TypeSerializerSingleton<StreamingDetector[]> {
    private static final long serialVersionUID = 1L;
    public static final OnsetDetectorsSerializer INSTANCE = new OnsetDetectorsSerializer();
    /** Written first in every value; bump it and keep reading the old layout on a change. */
    static final int FORMAT_VERSION = 1;
    private static final int NONE = -1;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public StreamingDetector[] createInstance() {
        return new StreamingDetector[0];
    }

    /** A deep copy (the heap backend's copy-on-write during an asynchronous snapshot relies on it). */
    @Override
    public StreamingDetector[] copy(StreamingDetector[] from) {
        StreamingDetector[] c = new StreamingDetector[from.length];
        for (int i = 0; i < from.length; i++) {
            c[i] = from[i] == null ? null : StreamingDetector.restore(from[i].snapshot());
        }
        return c;
    }

    @Override
    public StreamingDetector[] copy(StreamingDetector[] from, StreamingDetector[] reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(StreamingDetector[] detectors, DataOutputView out) throws IOException {
        out.writeInt(FORMAT_VERSION);
        out.writeInt(detectors.length);
        for (StreamingDetector d : detectors) {
            if (d == null) {
                out.writeInt(NONE);
            } else {
                byte[] bytes = d.snapshot().toBytes();
                out.writeInt(bytes.length);
                out.write(bytes);
            }
        }
    }

    @Override
    public StreamingDetector[] deserialize(DataInputView in) throws IOException {
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException("unknown onset detectors format version " + version + "; this code reads version "
                    + FORMAT_VERSION);
        }
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("corrupt onset detectors state (" + n + " detectors)");
        }
        StreamingDetector[] detectors = new StreamingDetector[n];
        for (int i = 0; i < n; i++) {
            int length = in.readInt();
            if (length == NONE) {
                continue;
            }
            if (length < 0) {
                throw new IOException("corrupt onset detectors state (detector length " + length + ")");
            }
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            try {
                detectors[i] = StreamingDetector.restore(DetectorState.fromBytes(bytes));
            } catch (IllegalArgumentException e) {
                throw new IOException("onset detector " + i + ": " + e.getMessage(), e);
            }
        }
        return detectors;
    }

    @Override
    public StreamingDetector[] deserialize(StreamingDetector[] reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<StreamingDetector[]> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot for savepoint compatibility. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<StreamingDetector[]> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
