package io.auspex.jobs.decode.otlp;

import java.io.Serializable;

/**
 * How OTLP records become the pipeline's records.
 *
 * @param serviceNamespace prefix the service with {@code service.namespace} when present
 *     ({@code namespace/name})
 * @param maxNameLength span, metric and service names longer than this are truncated
 * @param maxAttributeLength kept attribute values longer than this are truncated
 * @param maxLogBodyLength log bodies longer than this are truncated
 */
public record OtlpSettings(boolean serviceNamespace, int maxNameLength, int maxAttributeLength, int maxLogBodyLength)
        implements Serializable {

    public static final OtlpSettings DEFAULTS = new OtlpSettings(true, 1024, 1024, 16 * 1024);
}
