package io.auspex.models.training;

import static io.auspex.models.training.SignalsFixtures.BEGINNING;
import static io.auspex.models.training.SignalsFixtures.SERVICES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.schemas.ServiceSignals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignalsFileTest {

    @TempDir Path dir;

    @Test
    void writesAndReadsBackEveryRecord() throws IOException {
        List<ServiceSignals> signals = SignalsFixtures.normal(SERVICES, BEGINNING, 200, 5L);
        Path file = dir.resolve("signals.avro");
        SignalsFile.write(file, signals);
        assertEquals(signals, SignalsFile.read(file));

        List<ServiceSignals> streamed = new ArrayList<>();
        assertEquals(1_000L, SignalsFile.forEach(file, streamed::add));
        assertEquals(signals, streamed);
    }

    @Test
    void missingFile() {
        assertThrows(NoSuchFileException.class, () -> SignalsFile.read(dir.resolve("nope.avro")));
    }

    @Test
    void notAnAvroFile() throws IOException {
        Path file = Files.writeString(dir.resolve("signals.csv"), "service,rps\nfrontend,3\n");
        var e = assertThrows(InvalidSignalsFileException.class, () -> SignalsFile.read(file));
        assertEquals(file + " is not an Avro data file", e.getMessage());
    }

    @Test
    void avroFileOfAnotherRecordType() throws IOException {
        Schema other = SchemaBuilder.record("Span").namespace("io.auspex.schemas").fields()
                .requiredString("trace_id").endRecord();
        Path file = dir.resolve("spans.avro");
        try (DataFileWriter<GenericRecord> w =
                new DataFileWriter<>(new GenericDatumWriter<>(other))) {
            w.create(other, file.toFile());
            GenericRecord r = new GenericData.Record(other);
            r.put("trace_id", "abc");
            w.append(r);
        }
        var e = assertThrows(InvalidSignalsFileException.class, () -> SignalsFile.read(file));
        assertEquals(file + " holds io.auspex.schemas.Span records, expected "
                + "io.auspex.schemas.ServiceSignals", e.getMessage());
    }

    @Test
    void truncatedFileIsInvalidNotACrash() throws IOException {
        Path file = dir.resolve("signals.avro");
        SignalsFile.write(file, SignalsFixtures.normal(SERVICES, BEGINNING, 400, 5L));
        byte[] bytes = Files.readAllBytes(file);
        Path cut = Files.write(dir.resolve("cut.avro"),
                Arrays.copyOf(bytes, bytes.length - 100));
        var e = assertThrows(InvalidSignalsFileException.class, () -> SignalsFile.read(cut));
        assertTrue(e.getMessage().startsWith(cut + " is truncated or corrupt: readable data "
                + "ends at byte "), e.getMessage());
    }
}
