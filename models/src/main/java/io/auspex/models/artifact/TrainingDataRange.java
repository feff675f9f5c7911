package io.auspex.models.artifact;

import java.util.List;

/**
 * What a model was trained on.
 *
 * @param rows windows used for training
 * @param skippedRows windows skipped because a feature was not finite or the service was empty
 * @param minWindowStartMs earliest {@code window_start_ms} among the rows used, epoch ms
 * @param maxWindowEndMs latest {@code window_end_ms} among the rows used, epoch ms
 * @param services distinct service names, sorted
 */
public record TrainingDataRange(long rows, long skippedRows, long minWindowStartMs,
        long maxWindowEndMs, List<String> services) {

    public TrainingDataRange {
        services = List.copyOf(services);
    }
}
