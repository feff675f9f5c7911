package io.auspex.jobs.decode;

/**
 * Where the decoders report what {@link Limits} cut from a record that is still used. The Kafka
 * source's deserializer turns each into a Flink counter {@code auspex.limits.<kind>.<field>}.
 */
@FunctionalInterface
public interface LimitCounter {
    /** Counts nothing (tests, benchmarks). */
    LimitCounter NONE = a -> {};

    void count(Adjustment adjustment);

    /** One kind of cut, per record and field: a record with three long attribute values counts once. */
    enum Adjustment {
        SPAN_NAME("truncated", "span_name"),
        METRIC_NAME("truncated", "metric_name"),
        UNIT("truncated", "unit"),
        ATTRIBUTE_KEY("truncated", "attribute_key"),
        ATTRIBUTE_VALUE("truncated", "attribute_value"),
        LOG_BODY("truncated", "log_body"),
        SEVERITY_TEXT("truncated", "severity_text"),
        /** Attributes over the count limit left out. */
        ATTRIBUTES("dropped", "attributes"),
        /** A log's malformed trace or span id left out. */
        LOG_ID("dropped", "log_id");

        public final String kind;
        public final String field;

        Adjustment(String kind, String field) {
            this.kind = kind;
            this.field = field;
        }
    }
}
