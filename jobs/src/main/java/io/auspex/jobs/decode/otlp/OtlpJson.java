package io.auspex.jobs.decode.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * OTLP/JSON as the OpenTelemetry specification defines it, on top of protobuf's {@link JsonFormat}.
 * Two differences from standard proto3 JSON are handled here: trace and span ids
 * ({@code traceId}, {@code spanId}, {@code parentSpanId}, wherever they appear: spans, links, log
 * records, exemplars) are hex strings, not base64; and enums are written as integers. Unknown
 * fields are ignored, as receivers must. Thread-safe.
 */
public final class OtlpJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> ID_FIELDS = Set.of("traceId", "spanId", "parentSpanId");
    /** An id that is not valid hex becomes one byte, so the record check rejects it as {@code invalid_id}. */
    private static final String INVALID_ID = Base64.getEncoder().encodeToString(new byte[] {0});
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().printingEnumsAsInts()
            .omittingInsignificantWhitespace();

    private OtlpJson() {}

    public static TracesData traces(byte[] json) throws IOException {
        TracesData.Builder b = TracesData.newBuilder();
        merge(json, b);
        return b.build();
    }

    public static MetricsData metrics(byte[] json) throws IOException {
        MetricsData.Builder b = MetricsData.newBuilder();
        merge(json, b);
        return b.build();
    }

    public static LogsData logs(byte[] json) throws IOException {
        LogsData.Builder b = LogsData.newBuilder();
        merge(json, b);
        return b.build();
    }

    /** One OTLP/JSON object (no newline), ids as hex and enums as integers. */
    public static String print(Message batch) {
        try {
            JsonNode tree = MAPPER.readTree(PRINTER.print(batch));
            rewriteIds(tree, false);
            return MAPPER.writeValueAsString(tree);
        } catch (IOException e) {
            throw new IllegalStateException("cannot print OTLP JSON", e);
        }
    }

    private static void merge(byte[] json, Message.Builder builder) throws IOException {
        JsonNode tree = MAPPER.readTree(json);
        if (tree == null || !tree.isObject()) {
            throw new IOException("OTLP JSON must be one object, was " + (tree == null ? "empty" : tree.getNodeType()));
        }
        rewriteIds(tree, true);
        try {
            PARSER.merge(MAPPER.writeValueAsString(tree), builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new IOException("not OTLP JSON: " + e.getMessage(), e);
        }
    }

    /** Hex to base64 ({@code toProto}) or back, in place, for every id field in the tree. */
    private static void rewriteIds(JsonNode node, boolean toProto) {
        if (node instanceof ObjectNode obj) {
            Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (ID_FIELDS.contains(e.getKey()) && e.getValue().isTextual()) {
                    String v = e.getValue().asText();
                    e.setValue(obj.textNode(toProto ? hexToBase64(v) : base64ToHex(v)));
                } else {
                    rewriteIds(e.getValue(), toProto);
                }
            }
        } else if (node instanceof ArrayNode arr) {
            for (JsonNode child : arr) {
                rewriteIds(child, toProto);
            }
        }
    }

    static String hexToBase64(String hex) {
        if (hex.isEmpty()) {
            return "";
        }
        try {
            return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            return INVALID_ID;
        }
    }

    static String base64ToHex(String b64) {
        return HexFormat.of().formatHex(Base64.getDecoder().decode(b64));
    }
}
