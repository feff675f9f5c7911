package io.auspex.jobs.slo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of the SLO reload source: on each tick re-reads the SLO file and returns the text of
 * the newest valid version. An unreadable or invalid file is logged and the previous valid text
 * is returned again, so a bad edit is never half-applied; the operator ignores repeats.
 */
public final class SloFileReloader implements GeneratorFunction<Long, String> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SloFileReloader.class);

    private final String file;
    private String lastValid;
    private String lastRejected;

    public SloFileReloader(Path file, SloSet initial) {
        this.file = file.toString();
        this.lastValid = initial.sourceText();
    }

    @Override
    public String map(Long tick) {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            if (lastRejected == null || !lastRejected.equals("unreadable")) {
                LOG.warn("Cannot read SLO file {}, keeping the current SLO set: {}", file, e.toString());
                lastRejected = "unreadable";
            }
            return lastValid;
        }
        if (text.equals(lastValid)) {
            return lastValid;
        }
        try {
            SloSet next = SloSet.parse(text, file);
            LOG.info("SLO file {} changed: version {} with {} SLOs", file, next.version(), next.slos().size());
            lastValid = text;
            lastRejected = null;
        } catch (SloConfigException e) {
            if (!text.equals(lastRejected)) {
                LOG.warn("Ignoring invalid SLO file, keeping the current SLO set: {}", e.getMessage());
                lastRejected = text;
            }
        }
        return lastValid;
    }
}
