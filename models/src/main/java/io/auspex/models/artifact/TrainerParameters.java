package io.auspex.models.artifact;

/**
 * How a model was trained, recorded so that a run can be repeated.
 *
 * @param trees number of isolation trees
 * @param subsampleRequested rows per tree asked for
 * @param subsampleUsed rows per tree actually drawn: {@code min(requested, training rows)}
 * @param maxDepth depth limit of each tree, {@code ceil(log2(subsampleUsed))}
 * @param extensionLevel Smile's extended-isolation-forest level; 0 is the classic
 *     axis-parallel isolation forest
 * @param thresholdQuantile quantile of the training scores taken as the threshold
 * @param minServiceRows rows a service needs for a normalization of its own
 * @param seed seed of the row sampling and of Smile's split choices
 */
public record TrainerParameters(int trees, int subsampleRequested, int subsampleUsed,
        int maxDepth, int extensionLevel, double thresholdQuantile, int minServiceRows,
        long seed) {}
