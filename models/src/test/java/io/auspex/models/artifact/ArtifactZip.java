package io.auspex.models.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Test helper: takes an artifact's zip apart and puts it back together, edited. */
final class ArtifactZip {

    static final ObjectMapper JSON = new ObjectMapper();

    private ArtifactZip() {}

    static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** The artifact with its metadata.json edited in place. */
    static byte[] editMetadata(byte[] artifact, Consumer<ObjectNode> edit) throws IOException {
        Map<String, byte[]> entries = entries(artifact);
        ObjectNode meta = (ObjectNode) JSON.readTree(entries.get(ModelArtifactIO.METADATA_ENTRY));
        edit.accept(meta);
        entries.put(ModelArtifactIO.METADATA_ENTRY, JSON.writeValueAsBytes(meta));
        return zip(entries);
    }

    /** The artifact with model.ser replaced; optionally with a matching checksum. */
    static byte[] replaceModel(byte[] artifact, UnaryOperator<byte[]> model, boolean fixChecksum)
            throws IOException {
        Map<String, byte[]> entries = entries(artifact);
        byte[] replaced = model.apply(entries.get(ModelArtifactIO.MODEL_ENTRY));
        entries.put(ModelArtifactIO.MODEL_ENTRY, replaced);
        byte[] out = zip(entries);
        return fixChecksum
                ? editMetadata(out, m -> ((ObjectNode) m.get("model"))
                        .put("sha256", ModelArtifactIO.sha256(replaced)))
                : out;
    }

    static byte[] javaSerialize(Serializable o) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
