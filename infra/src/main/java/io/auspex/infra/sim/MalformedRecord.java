package io.auspex.infra.sim;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record meant for the dead-letter path: the exact key and value bytes to write to the topic
 * of {@link #stream()}.
 */
public final class MalformedRecord {

    private final TelemetryStream stream;
    private final MalformedKind kind;
    private final long timestampMs;
    private final byte[] key;
    private final byte[] value;

    public MalformedRecord(TelemetryStream stream, MalformedKind kind, long timestampMs, byte[] key, byte[] value) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.timestampMs = timestampMs;
        this.key = key.clone();
        this.value = value.clone();
    }

    public TelemetryStream stream() {
        return stream;
    }

    public MalformedKind kind() {
        return kind;
    }

    /** Event time used as the Kafka record timestamp, epoch ms. */
    public long timestampMs() {
        return timestampMs;
    }

    /** Kafka key: a service name in UTF-8 (empty for {@link MalformedKind#EMPTY_SERVICE_NAME}). */
    public byte[] key() {
        return key.clone();
    }

    /** Kafka value bytes. */
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MalformedRecord m && stream == m.stream && kind == m.kind && timestampMs == m.timestampMs
                && Arrays.equals(key, m.key) && Arrays.equals(value, m.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stream, kind, timestampMs, Arrays.hashCode(key), Arrays.hashCode(value));
    }

    @Override
    public String toString() {
        return "MalformedRecord{" + stream + ", " + kind + ", t=" + timestampMs + ", key="
                + new String(key, StandardCharsets.UTF_8) + ", " + value.length + " bytes}";
    }
}
