package io.auspex.models.training;

import io.auspex.schemas.ServiceSignals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.InvalidAvroMagicException;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Avro object container files ({@code .avro}) of {@link ServiceSignals}: the offline form of
 * the {@code telemetry.signals} topic that models are trained from.
 *
 * <p>Files carry their writer schema; reading resolves it against this build's
 * {@code ServiceSignals} schema, so dumps written before a backward-compatible schema change
 * still read. Writing uses the deflate codec (built into Avro, no native library).
 */
public final class SignalsFile {

    private SignalsFile() {}

    /** Reads every record into memory. */
    public static List<ServiceSignals> read(Path file) throws IOException {
        List<ServiceSignals> out = new ArrayList<>();
        forEach(file, out::add);
        return out;
    }

    /**
     * Streams the records of a file to {@code action}, one at a time (records are not reused,
     * the action may keep them).
     *
     * @return the number of records read
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     * @throws InvalidSignalsFileException when it is not an Avro data file, holds records that
     *     do not resolve to {@code ServiceSignals}, or is truncated or corrupt
     */
    public static long forEach(Path file, Consumer<ServiceSignals> action) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        long n = 0;
        try (DataFileReader<ServiceSignals> reader = new DataFileReader<>(file.toFile(),
                new SpecificDatumReader<>(ServiceSignals.class))) {
            checkWriterSchema(file, reader.getSchema());
            while (reader.hasNext()) {
                action.accept(reader.next(null));
                n++;
            }
            // Avro stops silently at a truncated last block: a complete file ends with a sync
            // marker, i.e. the last block boundary is the end of the file.
            long end = Files.size(file);
            if (reader.previousSync() != end) {
                throw new InvalidSignalsFileException(file + " is truncated or corrupt: "
                        + "readable data ends at byte " + reader.previousSync() + " of " + end
                        + " (after " + n + " records)", null);
            }
        } catch (InvalidAvroMagicException e) {
            throw new InvalidSignalsFileException(file + " is not an Avro data file", e);
        } catch (AvroRuntimeException e) {
            throw new InvalidSignalsFileException(file + ": cannot read ServiceSignals record "
                    + (n + 1) + ": " + e.getMessage(), e);
        }
        return n;
    }

    private static void checkWriterSchema(Path file, Schema writer)
            throws InvalidSignalsFileException {
        Schema expected = ServiceSignals.getClassSchema();
        if (writer.getType() != Schema.Type.RECORD
                || !expected.getFullName().equals(writer.getFullName())) {
            throw new InvalidSignalsFileException(file + " holds " + writer.getFullName()
                    + " records, expected " + expected.getFullName(), null);
        }
    }

    /** Writes the records to {@code file} (replacing it) as one Avro data file. */
    public static void write(Path file, Iterable<ServiceSignals> signals) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // A sibling temporary file (same file system, so the move is atomic), created with
        // the process's default permissions rather than createTempFile's owner-only ones.
        Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (DataFileWriter<ServiceSignals> writer =
                    new DataFileWriter<>(new SpecificDatumWriter<>(ServiceSignals.class))) {
                writer.setCodec(CodecFactory.deflateCodec(6));
                writer.create(ServiceSignals.getClassSchema(), tmp.toFile());
                for (ServiceSignals s : signals) {
                    writer.append(s);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
