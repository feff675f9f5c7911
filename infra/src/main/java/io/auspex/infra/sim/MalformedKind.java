package io.auspex.infra.sim;

/** How a {@link MalformedRecord} is wrong. */
public enum MalformedKind {
    /**
     * Random bytes whose first byte is an odd value below 0x80: Avro reads it as a negative
     * string length, so no reader schema decodes it.
     */
    GARBAGE_BYTES(false),
    /** A valid record's binary encoding cut short: decoding runs out of bytes. */
    TRUNCATED(false),
    /** A well-formed record whose {@code service_name} is empty. */
    EMPTY_SERVICE_NAME(true),
    /** A well-formed Span whose {@code duration_us} is negative. */
    NEGATIVE_DURATION(true),
    /** A well-formed MetricPoint whose {@code value} is NaN. */
    NAN_VALUE(true);

    private final boolean decodable;

    MalformedKind(boolean decodable) {
        this.decodable = decodable;
    }

    /** Whether the bytes decode as Avro (and must then fail validation instead). */
    public boolean decodable() {
        return decodable;
    }
}
