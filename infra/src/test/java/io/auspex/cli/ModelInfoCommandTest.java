package io.auspex.cli;

import static io.auspex.models.training.SignalsFixtures.BEGINNING;
import static io.auspex.models.training.SignalsFixtures.SERVICES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auspex.models.artifact.ModelArtifactIO;
import io.auspex.models.training.IsolationForestTrainer;
import io.auspex.models.training.SignalsFixtures;
import io.auspex.models.training.TrainerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelInfoCommandTest {

    @TempDir Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int info(String... args) {
        return new CommandLine(new ModelInfoCommand()).setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err)).execute(args);
    }

    Path model() throws IOException {
        Path file = dir.resolve("default.model");
        ModelArtifactIO.write(new IsolationForestTrainer(TrainerConfig.defaults().withTrees(10))
                .train("default", "v3", SignalsFixtures.normal(SERVICES, BEGINNING, 100, 51L)),
                file);
        return file;
    }

    @Test
    void printsMetadataAndConfirmsItLoads() throws IOException {
        assertEquals(0, info(model().toString()), err.toString());
        String text = out.toString();
        assertTrue(text.contains("model:     default v3"), text);
        assertTrue(text.contains("features:  log1p_traffic_rps, log_error_ratio, "), text);
        assertTrue(text.contains("training:  500 rows (0 skipped), 2026-11-01T00:00:00Z .. "
                + "2026-11-01T00:16:40Z"), text);
        assertTrue(text.contains("services:  5: checkout, frontend, payments, reports, search"),
                text);
        assertTrue(text.contains("trainer:   10 trees, subsample 256 (asked 256), max depth 8, "
                + "extension level 7, min service rows 30, seed 42"), text);
        assertTrue(text.strip().endsWith("loads:     yes"), text);
    }

    @Test
    void jsonPrintsTheStoredMetadata() throws IOException {
        assertEquals(0, info("--json", model().toString()), err.toString());
        String json = out.toString();
        JsonNode m = new ObjectMapper().readTree(json.substring(0, json.lastIndexOf("loads:")));
        assertEquals("v3", m.get("model_version").asText());
    }

    @Test
    void artifactOfAnotherBuildIsShownButFails() throws IOException {
        Path file = model();
        byte[] edited = editFeatureName(Files.readAllBytes(file));
        Files.write(file, edited);
        assertEquals(1, info(file.toString()));
        assertTrue(out.toString().contains("features:  log1p_traffic_rps, error_ratio, "),
                out.toString());
        assertTrue(err.toString().startsWith("error: " + file + ": feature names differ"),
                err.toString());
    }

    @Test
    void missingOrGarbageFileIsBadInput() throws IOException {
        Path missing = dir.resolve("none.model");
        assertEquals(1, info(missing.toString()));
        assertEquals("error: no such file: " + missing, err.toString().strip());
        Path garbage = Files.writeString(dir.resolve("garbage.model"), "not a zip");
        assertEquals(1, info(garbage.toString()));
        assertTrue(err.toString().contains("not a model artifact"), err.toString());
    }

    static byte[] editFeatureName(byte[] zip) throws IOException {
        var entries = new java.util.LinkedHashMap<String, byte[]>();
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            java.util.zip.ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        String meta = new String(entries.get("metadata.json"))
                .replace("\"log_error_ratio\"", "\"error_ratio\"");
        entries.put("metadata.json", meta.getBytes());
        var bytes = new java.io.ByteArrayOutputStream();
        try (var z = new java.util.zip.ZipOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
