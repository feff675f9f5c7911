package io.auspex.models.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectDataTest {

    @Test
    void findsTheNearestFolderWithCiRunAndPom(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("project");
        Files.createDirectories(root.resolve(".ci"));
        Files.writeString(root.resolve(".ci").resolve("run"), "#!/bin/sh\n");
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Path module = Files.createDirectories(root.resolve("models").resolve("target"));
        Files.writeString(root.resolve("models").resolve("pom.xml"), "<project/>");

        assertEquals(root.toAbsolutePath().normalize(), ProjectData.projectRoot(module));
        assertEquals(root.toAbsolutePath().normalize(), ProjectData.projectRoot(root));
    }

    @Test
    void failsWithoutAProjectRoot(@TempDir Path tmp) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ProjectData.projectRoot(tmp));
        assertTrue(e.getMessage().contains("no project root"), e.getMessage());
    }

    @Test
    void theRealProjectRootHoldsTheRootPom() {
        Path root = ProjectData.projectRoot();
        assertTrue(Files.isRegularFile(root.resolve(".ci").resolve("run")));
        assertTrue(Files.isDirectory(root.resolve("models")));
    }
}
