package io.auspex.models.logs;

import java.io.Serializable;

/**
 * Settings of a {@link TemplateMiner}; they bound its memory whatever the input.
 *
 * @param maxClusters templates kept; a new one beyond it evicts one (see {@link TemplateMiner})
 * @param similarity share of a line's tokens that must equal a template's (wildcards not counted)
 *     for the line to join it, in (0, 1]
 * @param depth leading tokens that route a line in the prefix tree, below the token-count level
 * @param maxChildren children of one tree node; tokens beyond it share the node's {@code <*>} child
 * @param maxTokens tokens of a line kept (the rest is cut off before mining)
 * @param maxLineLength characters of a line kept, before and after masking
 */
public record MinerConfig(int maxClusters, double similarity, int depth, int maxChildren, int maxTokens,
        int maxLineLength) implements Serializable {

    /** 256 templates, similarity 0.5, depth 2, 64 children, 64 tokens, 1000 characters. */
    public static final MinerConfig DEFAULTS = new MinerConfig(256, 0.5, 2, 64, 64, 1000);

    public MinerConfig {
        if (maxClusters < 1) {
            throw new IllegalArgumentException("maxClusters must be positive, was " + maxClusters);
        }
        if (!(similarity > 0 && similarity <= 1)) {
            throw new IllegalArgumentException("similarity must be in (0, 1], was " + similarity);
        }
        if (depth < 0 || depth > 16) {
            throw new IllegalArgumentException("depth must be in 0..16, was " + depth);
        }
        if (maxChildren < 2) {
            throw new IllegalArgumentException("maxChildren must be at least 2, was " + maxChildren);
        }
        if (maxTokens < 1 || maxLineLength < 1) {
            throw new IllegalArgumentException("maxTokens and maxLineLength must be positive, were " + maxTokens
                    + " and " + maxLineLength);
        }
    }

    /** The same settings with another bound on the number of templates. */
    public MinerConfig withMaxClusters(int n) {
        return new MinerConfig(n, similarity, depth, maxChildren, maxTokens, maxLineLength);
    }

    /** The same settings with another similarity threshold. */
    public MinerConfig withSimilarity(double s) {
        return new MinerConfig(maxClusters, s, depth, maxChildren, maxTokens, maxLineLength);
    }

    /** A masker with this configuration's line bounds. */
    public LogMasker masker() {
        return new LogMasker(maxTokens, maxLineLength);
    }
}
