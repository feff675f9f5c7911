package io.auspex.infra.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One labelled fault of a recording: where it was injected, what kind, and when.
 *
 * <p>Cases file (docs/evaluation.md): a JSON array (or an object with a {@code cases} array) of
 * {@code {"id": "c1", "service": "ts-order-service", "kind": "cpu", "start": "2026-12-01T08:00:00Z",
 * "end": "2026-12-01T08:03:00Z"}}; {@code start}/{@code end} are ISO-8601 instants or epoch
 * milliseconds; {@code id} defaults to the position, {@code kind} to {@code unknown}. An empty
 * array is a recording without faults: every firing alert is then a false alert.
 */
public record IncidentCase(String id, String service, String kind, long startMs, long endMs) {

    public IncidentCase {
        if (service == null || service.isBlank()) {
            throw new IllegalArgumentException("case " + id + ": service is required");
        }
        if (endMs < startMs) {
            throw new IllegalArgumentException("case " + id + ": end is before start");
        }
    }

    /** The case moved in time by {@code shiftMs} (as its recording was when replayed). */
    public IncidentCase shifted(long shiftMs) {
        return new IncidentCase(id, service, kind, startMs + shiftMs, endMs + shiftMs);
    }

    /** Reads a cases file; the message of a bad file names the case and the field. */
    public static List<IncidentCase> read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode arr = root != null && root.isObject() ? root.get("cases") : root;
        if (arr == null || !arr.isArray()) {
            throw new IOException(file + ": expected a JSON array of cases (or {\"cases\": [...]})");
        }
        List<IncidentCase> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonNode c = arr.get(i);
            String id = c.hasNonNull("id") ? c.get("id").asText() : Integer.toString(i + 1);
            if (!ids.add(id)) {
                throw new IOException(file + ": case " + id + " appears twice");
            }
            try {
                out.add(new IncidentCase(id, text(c, "service"), c.hasNonNull("kind") ? c.get("kind").asText() : "unknown",
                        time(c, "start"), time(c, "end")));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static String text(JsonNode c, String field) {
        return c.hasNonNull(field) ? c.get(field).asText() : null;
    }

    private static long time(JsonNode c, String field) {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("case " + text(c, "id") + ": " + field + " is required");
        }
        if (v.isNumber()) {
            return v.asLong();
        }
        try {
            return Instant.parse(v.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("case " + text(c, "id") + ": " + field
                    + " must be an ISO-8601 instant or epoch ms, was '" + v.asText() + "'");
        }
    }
}
