package io.auspex.jobs.signals;

import io.auspex.models.logs.LogMasker;
import io.auspex.models.logs.MinerConfig;
import java.io.Serializable;

/**
 * How the signals window mines log templates (docs/ingest.md, log templates).
 *
 * @param maxLinesPerWindow distinct masked lines a service's window keeps (a quarter of them only
 *     for lines first seen at error severity); the rest are counted as unlisted. 0 turns template
 *     mining off.
 * @param miner the per-service miner's bounds and similarity; its token and length bounds also
 *     bound the masked lines
 */
public record LogTemplateSettings(int maxLinesPerWindow, MinerConfig miner) implements Serializable {
    /** Templates listed per window: the most frequent ones ... */
    public static final int TOP_TEMPLATES = 20;
    /** ... and every new one, up to this many in all. */
    public static final int MAX_LISTED = 50;
    public static final int DEFAULT_MAX_LINES = 200;
    public static final LogTemplateSettings DEFAULTS = new LogTemplateSettings(DEFAULT_MAX_LINES, MinerConfig.DEFAULTS);

    public LogTemplateSettings {
        if (maxLinesPerWindow < 0) {
            throw new IllegalArgumentException("maxLinesPerWindow must be >= 0, was " + maxLinesPerWindow);
        }
    }

    public boolean enabled() {
        return maxLinesPerWindow > 0;
    }

    public LogMasker masker() {
        return miner.masker();
    }
}
