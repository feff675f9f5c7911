package io.auspex.infra.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes (and reads back) a {@link GroundTruth} as JSON or CSV. Formats in docs/simulator.md.
 *
 * <p>JSON:
 * <pre>{@code
 * {"scenario":"demo","seed":42,"start_ms":...,"end_ms":...,"start":"2026-...Z","end":"...",
 *  "incidents":[{"service":"payment","kind":"ERROR_BURST","start_ms":...,"end_ms":...,
 *                "start":"...","end":"...","magnitude":0.3,
 *                "affected_services":["payment","checkout","frontend"]}]}
 * }</pre>
 *
 * <p>CSV, one incident per line after the header
 * {@code service,kind,start_ms,end_ms,magnitude,start,end,affected_services} (affected services
 * joined with {@code ;}).
 */
public final class GroundTruthWriter {

    /** CSV header line. */
    public static final String CSV_HEADER = "service,kind,start_ms,end_ms,magnitude,start,end,affected_services";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GroundTruthWriter() {
    }

    /** The ground truth as a JSON document. */
    public static String toJson(GroundTruth truth) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("scenario", truth.scenario());
        root.put("seed", truth.seed());
        root.put("start_ms", truth.startMs());
        root.put("end_ms", truth.endMs());
        root.put("start", Instant.ofEpochMilli(truth.startMs()).toString());
        root.put("end", Instant.ofEpochMilli(truth.endMs()).toString());
        ArrayNode list = root.putArray("incidents");
        for (GroundTruth.LabelledIncident li : truth.incidents()) {
            Incident i = li.incident();
            ObjectNode n = list.addObject();
            n.put("service", i.service());
            n.put("kind", i.kind().name());
            n.put("start_ms", i.startMs());
            n.put("end_ms", i.endMs());
            n.put("start", Instant.ofEpochMilli(i.startMs()).toString());
            n.put("end", Instant.ofEpochMilli(i.endMs()).toString());
            n.put("magnitude", i.magnitude());
            ArrayNode affected = n.putArray("affected_services");
            li.affectedServices().forEach(affected::add);
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot render ground truth as JSON", e);
        }
    }

    /** The ground truth as CSV (header plus one line per incident). */
    public static String toCsv(GroundTruth truth) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (GroundTruth.LabelledIncident li : truth.incidents()) {
            Incident i = li.incident();
            sb.append(i.service()).append(',').append(i.kind()).append(',').append(i.startMs()).append(',')
                    .append(i.endMs()).append(',').append(i.magnitude()).append(',')
                    .append(Instant.ofEpochMilli(i.startMs())).append(',').append(Instant.ofEpochMilli(i.endMs()))
                    .append(',').append(String.join(";", li.affectedServices())).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@link #toJson(GroundTruth)} to a file, replacing it. */
    public static void writeJson(GroundTruth truth, Path file) throws IOException {
        Files.writeString(file, toJson(truth), StandardCharsets.UTF_8);
    }

    /** Writes {@link #toCsv(GroundTruth)} to a file, replacing it. */
    public static void writeCsv(GroundTruth truth, Path file) throws IOException {
        Files.writeString(file, toCsv(truth), StandardCharsets.UTF_8);
    }

    /** Reads a file written by {@link #writeJson(GroundTruth, Path)}. */
    public static GroundTruth readJson(Path file) throws IOException {
        return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Parses a document made by {@link #toJson(GroundTruth)}. */
    public static GroundTruth fromJson(String json) throws IOException {
        JsonNode root = MAPPER.readTree(json);
        List<GroundTruth.LabelledIncident> incidents = new ArrayList<>();
        for (JsonNode n : required(root, "incidents")) {
            Incident i = new Incident(required(n, "service").asText(), IncidentKind.valueOf(required(n, "kind").asText()),
                    required(n, "start_ms").asLong(), required(n, "end_ms").asLong(), required(n, "magnitude").asDouble());
            List<String> affected = new ArrayList<>();
            for (JsonNode s : required(n, "affected_services")) {
                affected.add(s.asText());
            }
            incidents.add(new GroundTruth.LabelledIncident(i, affected));
        }
        return new GroundTruth(required(root, "scenario").asText(), required(root, "seed").asLong(),
                required(root, "start_ms").asLong(), required(root, "end_ms").asLong(), incidents);
    }

    private static JsonNode required(JsonNode node, String field) throws IOException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IOException("ground truth JSON lacks field '" + field + "'");
        }
        return v;
    }
}
