package io.auspex.models.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auspex.models.features.FeatureScale;
import io.auspex.models.features.FeatureVector;
import io.auspex.models.features.Normalization;
import io.auspex.models.features.RobustStats;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import smile.anomaly.IsolationForest;

/**
 * Saved form of a {@link ModelArtifact}: one zip file holding
 *
 * <ul>
 *   <li>{@code metadata.json}: format version, names, features, threshold, normalization,
 *       training data range, trainer parameters, and the SHA-256 of the model entry;
 *   <li>{@code model.ser}: the Smile {@link IsolationForest}, Java-serialized.
 * </ul>
 *
 * <p>Reading checks, in this order: the zip holds both entries, the format version is one
 * this build reads, the feature names equal {@link FeatureVector#names()}, the model entry
 * matches its checksum, and it deserializes to an {@code IsolationForest} through an
 * allow-list filter (only {@code smile.anomaly} classes and arrays), so an artifact received
 * from a topic cannot instantiate arbitrary classes. Every failure is an
 * {@link InvalidArtifactException} with a message that names what is wrong.
 *
 * <p>Field reference: docs/models.md, "Artifact format".
 */
public final class ModelArtifactIO {

    /** Version of the file format written by this build. */
    public static final int FORMAT_VERSION = 1;
    /** Versions this build reads. */
    public static final Set<Integer> SUPPORTED_FORMAT_VERSIONS = Set.of(1);

    public static final String METADATA_ENTRY = "metadata.json";
    public static final String MODEL_ENTRY = "model.ser";
    static final String MODEL_ENCODING = "java-serialization";
    static final String NORMALIZATION_METHOD = "median_mad_tail";

    /** Largest entry accepted when reading, against corrupt or hostile zips. */
    static final long MAX_ENTRY_BYTES = 256L * 1024 * 1024;

    private static final String MODEL_FILTER =
            "maxdepth=200;maxarray=10000000;smile.anomaly.*;!*";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelArtifactIO() {}

    // ------------------------------------------------------------------ write

    /** Writes the artifact to {@code file}, atomically replacing any existing file. */
    public static void write(ModelArtifact artifact, Path file) throws IOException {
        byte[] bytes = toBytes(artifact);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // A sibling temporary file (same file system, so the move is atomic), created with
        // the process's default permissions rather than createTempFile's owner-only ones.
        Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The artifact as the bytes of one zip file (what is written to disk or to a topic). */
    public static byte[] toBytes(ModelArtifact artifact) throws IOException {
        byte[] model = serializeModel(artifact.forest());
        byte[] metadata = JSON.writeValueAsBytes(metadataJson(artifact, sha256(model)));
        FileTime time = FileTime.from(artifact.metadata().createdAt());
        ByteArrayOutputStream out = new ByteArrayOutputStream(model.length / 2 + 16_384);
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            putEntry(zip, METADATA_ENTRY, metadata, time);
            putEntry(zip, MODEL_ENTRY, model, time);
        }
        return out.toByteArray();
    }

    private static void putEntry(ZipOutputStream zip, String name, byte[] data, FileTime time)
            throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setLastModifiedTime(time);
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static byte[] serializeModel(IsolationForest forest) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(forest);
        }
        return out.toByteArray();
    }

    static ObjectNode metadataJson(ModelArtifact artifact, String modelSha256) {
        ModelMetadata m = artifact.metadata();
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", m.formatVersion());
        root.put("model_name", m.modelName());
        root.put("model_version", m.modelVersion());
        root.put("algorithm", m.algorithm());
        root.put("created_at", m.createdAt().toString());
        ArrayNode names = root.putArray("feature_names");
        m.featureNames().forEach(names::add);
        root.put("threshold", m.threshold());
        ObjectNode q = root.putObject("training_score_quantiles");
        new TreeMap<>(m.trainingScoreQuantiles()).forEach(q::put);

        TrainingDataRange r = m.trainingData();
        ObjectNode td = root.putObject("training_data");
        td.put("rows", r.rows());
        td.put("skipped_rows", r.skippedRows());
        td.put("min_window_start_ms", r.minWindowStartMs());
        td.put("max_window_end_ms", r.maxWindowEndMs());
        td.put("min_window_start", Instant.ofEpochMilli(r.minWindowStartMs()).toString());
        td.put("max_window_end", Instant.ofEpochMilli(r.maxWindowEndMs()).toString());
        ArrayNode services = td.putArray("services");
        r.services().forEach(services::add);

        TrainerParameters t = m.trainer();
        ObjectNode tr = root.putObject("trainer");
        tr.put("trees", t.trees());
        tr.put("subsample_requested", t.subsampleRequested());
        tr.put("subsample_used", t.subsampleUsed());
        tr.put("max_depth", t.maxDepth());
        tr.put("extension_level", t.extensionLevel());
        tr.put("threshold_quantile", t.thresholdQuantile());
        tr.put("min_service_rows", t.minServiceRows());
        tr.put("seed", t.seed());

        Normalization n = artifact.normalization();
        ObjectNode norm = root.putObject("normalization");
        norm.put("method", NORMALIZATION_METHOD);
        norm.put("mad_to_sigma", RobustStats.MAD_TO_SIGMA);
        norm.put("tail_quantile", RobustStats.TAIL_QUANTILE);
        norm.put("tail_z", RobustStats.TAIL_Z);
        norm.put("tail_min_rows", RobustStats.TAIL_MIN_ROWS);
        ArrayNode minScale = norm.putArray("min_scale");
        for (double v : FeatureVector.minScales()) {
            minScale.add(v);
        }
        putScale(norm.putObject("global"), n.global());
        ObjectNode per = norm.putObject("services");
        n.perService().forEach((service, scale) -> putScale(per.putObject(service), scale));

        ObjectNode model = root.putObject("model");
        model.put("entry", MODEL_ENTRY);
        model.put("encoding", MODEL_ENCODING);
        model.put("sha256", modelSha256);
        return root;
    }

    private static void putScale(ObjectNode node, FeatureScale scale) {
        ArrayNode c = node.putArray("center");
        for (double v : scale.center()) {
            c.add(v);
        }
        ArrayNode s = node.putArray("scale");
        for (double v : scale.scale()) {
            s.add(v);
        }
    }

    // ------------------------------------------------------------------ read

    /** Reads and fully validates an artifact file. */
    public static ModelArtifact read(Path file) throws IOException {
        return fromBytes(Files.readAllBytes(file), file.toString());
    }

    /** Reads and fully validates an artifact from the bytes of its zip file. */
    public static ModelArtifact fromBytes(byte[] bytes) throws IOException {
        return fromBytes(bytes, "artifact bytes");
    }

    /**
     * Reads only the metadata, checking the format version but not the feature names, so that
     * an artifact made by another build can still be inspected.
     */
    public static ModelMetadata readMetadata(Path file) throws IOException {
        String origin = file.toString();
        Map<String, byte[]> entries = unzip(Files.readAllBytes(file), origin);
        return parseMetadata(parseJson(entries, origin), origin);
    }

    /** The stored {@code metadata.json} of an artifact, as text, without validating it. */
    public static String readMetadataJson(Path file) throws IOException {
        String origin = file.toString();
        Map<String, byte[]> entries = unzip(Files.readAllBytes(file), origin);
        return new String(entries.get(METADATA_ENTRY), StandardCharsets.UTF_8);
    }

    private static ModelArtifact fromBytes(byte[] bytes, String origin) throws IOException {
        Map<String, byte[]> entries = unzip(bytes, origin);
        JsonNode root = parseJson(entries, origin);
        ModelMetadata metadata = parseMetadata(root, origin);
        checkFeatureNames(metadata.featureNames(), origin);
        Normalization normalization = parseNormalization(req(root, "normalization", origin),
                metadata.featureNames().size(), origin);

        byte[] model = entries.get(MODEL_ENTRY);
        if (model == null) {
            throw new InvalidArtifactException(origin + ": no " + MODEL_ENTRY + " entry");
        }
        JsonNode modelNode = req(root, "model", origin);
        String encoding = req(modelNode, "encoding", origin).asText();
        if (!MODEL_ENCODING.equals(encoding)) {
            throw new InvalidArtifactException(origin + ": unknown model encoding '" + encoding
                    + "', expected '" + MODEL_ENCODING + "'");
        }
        String expectedSha = req(modelNode, "sha256", origin).asText();
        String actualSha = sha256(model);
        if (!expectedSha.equals(actualSha)) {
            throw new InvalidArtifactException(origin + ": " + MODEL_ENTRY
                    + " is corrupt: sha256 " + actualSha + " but metadata says " + expectedSha);
        }
        IsolationForest forest = deserializeModel(model, origin);
        try {
            return new ModelArtifact(metadata, normalization, forest);
        } catch (IllegalArgumentException e) {
            throw new InvalidArtifactException(origin + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, byte[]> unzip(byte[] bytes, String origin) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                byte[] data = readBounded(zip, origin, e.getName());
                if (entries.put(e.getName(), data) != null) {
                    throw new InvalidArtifactException(origin + ": duplicate zip entry "
                            + e.getName());
                }
            }
        } catch (ZipException e) {
            throw new InvalidArtifactException(origin + ": not a model artifact (bad zip: "
                    + e.getMessage() + ")", e);
        }
        if (!entries.containsKey(METADATA_ENTRY)) {
            throw new InvalidArtifactException(origin + ": not a model artifact (no "
                    + METADATA_ENTRY + " entry; entries: " + entries.keySet() + ")");
        }
        return entries;
    }

    private static byte[] readBounded(InputStream in, String origin, String entry)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65_536];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > MAX_ENTRY_BYTES) {
                throw new InvalidArtifactException(origin + ": entry " + entry
                        + " is larger than " + MAX_ENTRY_BYTES + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static JsonNode parseJson(Map<String, byte[]> entries, String origin)
            throws InvalidArtifactException {
        try {
            JsonNode root = JSON.readTree(entries.get(METADATA_ENTRY));
            if (root == null || !root.isObject()) {
                throw new InvalidArtifactException(origin + ": " + METADATA_ENTRY
                        + " is not a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new InvalidArtifactException(origin + ": " + METADATA_ENTRY
                    + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidArtifactException(origin + ": cannot parse " + METADATA_ENTRY, e);
        }
    }

    static ModelMetadata parseMetadata(JsonNode root, String origin)
            throws InvalidArtifactException {
        JsonNode version = req(root, "format_version", origin);
        if (!version.canConvertToInt() || !version.isIntegralNumber()) {
            throw new InvalidArtifactException(origin + ": format_version must be an integer, got "
                    + version);
        }
        if (!SUPPORTED_FORMAT_VERSIONS.contains(version.intValue())) {
            throw new InvalidArtifactException(origin + ": unsupported artifact format version "
                    + version.intValue() + " (this build reads versions "
                    + new TreeSet<>(SUPPORTED_FORMAT_VERSIONS) + ")");
        }
        try {
            List<String> names = new ArrayList<>();
            for (JsonNode n : reqArray(root, "feature_names", origin)) {
                names.add(n.asText());
            }
            Map<String, Double> quantiles = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e
                    : req(root, "training_score_quantiles", origin).properties()) {
                quantiles.put(e.getKey(), e.getValue().asDouble());
            }

            JsonNode td = req(root, "training_data", origin);
            List<String> services = new ArrayList<>();
            for (JsonNode s : reqArray(td, "services", origin)) {
                services.add(s.asText());
            }
            TrainingDataRange range = new TrainingDataRange(
                    req(td, "rows", origin).asLong(),
                    req(td, "skipped_rows", origin).asLong(),
                    req(td, "min_window_start_ms", origin).asLong(),
                    req(td, "max_window_end_ms", origin).asLong(),
                    services);

            JsonNode t = req(root, "trainer", origin);
            TrainerParameters params = new TrainerParameters(
                    req(t, "trees", origin).asInt(),
                    req(t, "subsample_requested", origin).asInt(),
                    req(t, "subsample_used", origin).asInt(),
                    req(t, "max_depth", origin).asInt(),
                    req(t, "extension_level", origin).asInt(),
                    req(t, "threshold_quantile", origin).asDouble(),
                    req(t, "min_service_rows", origin).asInt(),
                    req(t, "seed", origin).asLong());

            return new ModelMetadata(version.intValue(),
                    req(root, "model_name", origin).asText(),
                    req(root, "model_version", origin).asText(),
                    req(root, "algorithm", origin).asText(),
                    names,
                    req(root, "threshold", origin).asDouble(),
                    quantiles, range,
                    Instant.parse(req(root, "created_at", origin).asText()),
                    params);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new InvalidArtifactException(origin + ": invalid metadata: " + e.getMessage(), e);
        }
    }

    private static void checkFeatureNames(List<String> actual, String origin)
            throws InvalidArtifactException {
        List<String> expected = FeatureVector.names();
        if (actual.equals(expected)) {
            return;
        }
        int i = 0;
        while (i < actual.size() && i < expected.size() && actual.get(i).equals(expected.get(i))) {
            i++;
        }
        String where = i < actual.size() && i < expected.size()
                ? "at index " + i + " the artifact has '" + actual.get(i) + "' where this build has '"
                        + expected.get(i) + "'"
                : "the artifact has " + actual.size() + " features, this build " + expected.size();
        throw new InvalidArtifactException(origin + ": feature names differ from this build's "
                + "FeatureVector (" + where + "); artifact: " + actual + ", expected: " + expected
                + ". Retrain the model with this build.");
    }

    private static Normalization parseNormalization(JsonNode norm, int size, String origin)
            throws InvalidArtifactException {
        String method = req(norm, "method", origin).asText();
        if (!NORMALIZATION_METHOD.equals(method)) {
            throw new InvalidArtifactException(origin + ": unknown normalization method '"
                    + method + "'");
        }
        FeatureScale global = parseScale(req(norm, "global", origin), size, origin, "global");
        Map<String, FeatureScale> per = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : req(norm, "services", origin).properties()) {
            per.put(e.getKey(), parseScale(e.getValue(), size, origin, "service " + e.getKey()));
        }
        return new Normalization(per, global);
    }

    private static FeatureScale parseScale(JsonNode node, int size, String origin, String what)
            throws InvalidArtifactException {
        double[] center = doubles(reqArray(node, "center", origin), size, origin, what);
        double[] scale = doubles(reqArray(node, "scale", origin), size, origin, what);
        try {
            return new FeatureScale(center, scale);
        } catch (IllegalArgumentException e) {
            throw new InvalidArtifactException(origin + ": normalization of " + what + ": "
                    + e.getMessage(), e);
        }
    }

    private static double[] doubles(JsonNode array, int size, String origin, String what)
            throws InvalidArtifactException {
        if (array.size() != size) {
            throw new InvalidArtifactException(origin + ": normalization of " + what + " has "
                    + array.size() + " values, expected " + size);
        }
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            if (!array.get(i).isNumber()) {
                throw new InvalidArtifactException(origin + ": normalization of " + what
                        + " has a non-number: " + array.get(i));
            }
            v[i] = array.get(i).doubleValue();
        }
        return v;
    }

    private static IsolationForest deserializeModel(byte[] model, String origin)
            throws InvalidArtifactException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(model))) {
            in.setObjectInputFilter(ObjectInputFilter.Config.createFilter(MODEL_FILTER));
            Object o = in.readObject();
            if (!(o instanceof IsolationForest forest)) {
                throw new InvalidArtifactException(origin + ": " + MODEL_ENTRY + " holds a "
                        + o.getClass().getName() + ", expected " + IsolationForest.class.getName());
            }
            return forest;
        } catch (InvalidClassException e) {
            // Either the allow-list filter refused a class, or the artifact was written with
            // another Smile version whose classes are not serialization-compatible.
            throw new InvalidArtifactException(origin + ": " + MODEL_ENTRY
                    + " was rejected (only smile.anomaly classes of this build's Smile version "
                    + "are accepted): " + e.getMessage(), e);
        } catch (ClassNotFoundException | IOException e) {
            throw new InvalidArtifactException(origin + ": cannot read " + MODEL_ENTRY + ": " + e,
                    e);
        }
    }

    private static JsonNode req(JsonNode node, String field, String origin)
            throws InvalidArtifactException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidArtifactException(origin + ": " + METADATA_ENTRY
                    + " lacks field '" + field + "'");
        }
        return v;
    }

    private static JsonNode reqArray(JsonNode node, String field, String origin)
            throws InvalidArtifactException {
        JsonNode v = req(node, field, origin);
        if (!v.isArray()) {
            throw new InvalidArtifactException(origin + ": " + METADATA_ENTRY + " field '"
                    + field + "' must be an array");
        }
        return v;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
