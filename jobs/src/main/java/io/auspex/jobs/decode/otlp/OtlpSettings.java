package io.auspex.jobs.decode.otlp;

import java.io.Serializable;

/**
 * How OTLP records become the pipeline's records. Lengths and counts are not here: OTLP and Avro
 * input are held to the same {@link io.auspex.jobs.decode.Limits}.
 *
 * @param serviceNamespace prefix the service with {@code service.namespace} when present
 *     ({@code namespace/name})
 */
public record OtlpSettings(boolean serviceNamespace) implements Serializable {

    public static final OtlpSettings DEFAULTS = new OtlpSettings(true);
}
