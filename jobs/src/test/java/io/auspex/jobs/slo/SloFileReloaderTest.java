package io.auspex.jobs.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SloFileReloaderTest {

    @Test
    void emitsTheNewestValidFileAndIgnoresBadEdits(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("slos.yaml");
        String v1 = SloEngineTest.AVAILABILITY;
        Files.writeString(file, v1);
        SloFileReloader reloader = new SloFileReloader(file, SloSet.load(file));
        assertEquals(v1, reloader.map(0L));

        String v2 = v1.replace("objective: 99.9", "objective: 99.5");
        Files.writeString(file, v2);
        assertEquals(v2, reloader.map(1L), "a valid edit is picked up");

        Files.writeString(file, v2.replace("objective: 99.5", "objective: 100"));
        assertEquals(v2, reloader.map(2L), "an invalid edit is ignored, the last valid file stays");

        Files.delete(file);
        assertEquals(v2, reloader.map(3L), "a missing file keeps the last valid one");

        String v3 = v2 + "  - name: extra\n    service: payment\n    objective: 99\n    sli: {type: availability}\n";
        Files.writeString(file, v3);
        assertEquals(v3, reloader.map(4L), "a fixed file is picked up again");
        assertEquals(2, SloSet.parse(reloader.map(5L), "x").slos().size());
    }
}
