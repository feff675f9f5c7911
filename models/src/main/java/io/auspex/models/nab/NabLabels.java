package io.auspex.models.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads NAB's {@code combined_windows.json}: {@code {"category/file.csv": [["start", "end"], ...]}}.
 * Keys are relative paths with forward slashes; windows keep the file's order.
 */
public final class NabLabels {

    private final Map<String, List<NabWindow>> windowsByFile;

    public NabLabels(Map<String, List<NabWindow>> windowsByFile) {
        Map<String, List<NabWindow>> copy = new TreeMap<>();
        windowsByFile.forEach((file, windows) -> copy.put(file, List.copyOf(windows)));
        this.windowsByFile = Collections.unmodifiableMap(copy);
    }

    public static NabLabels read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected a JSON object {\"category/file.csv\": [[start, end], ...]}");
        }
        Map<String, List<NabWindow>> windows = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            JsonNode list = entry.getValue();
            if (!list.isArray()) {
                throw new IOException(file + ": the windows of '" + entry.getKey() + "' are not a list");
            }
            List<NabWindow> parsed = new ArrayList<>();
            for (JsonNode pair : list) {
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
                    throw new IOException(file + ": a window of '" + entry.getKey()
                            + "' is not a pair of timestamps: " + pair);
                }
                try {
                    parsed.add(NabWindow.parse(pair.get(0).asText(), pair.get(1).asText()));
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": a window of '" + entry.getKey() + "': " + e.getMessage(), e);
                }
            }
            windows.put(entry.getKey(), parsed);
        }
        return new NabLabels(windows);
    }

    /** The labelled files, sorted by relative path. */
    public Map<String, List<NabWindow>> windowsByFile() {
        return windowsByFile;
    }
}
