package io.auspex.models.testutil;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the project's shared data lives for tests and benchmark mains: the NAB development set is
 * {@code ../shared/data/nab} relative to the project root (the folder holding the root
 * {@code pom.xml} and {@code .ci/run}). The root is found by walking up from the working directory
 * (Surefire runs in the module folder), so the path does not depend on the machine.
 */
public final class ProjectData {

    /** System property that overrides the NAB folder. */
    public static final String NAB_DIR_PROPERTY = "auspex.nab.dir";

    private ProjectData() {
    }

    /** The project root above {@code start}: the nearest folder with {@code .ci/run} and {@code pom.xml}. */
    public static Path projectRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(".ci").resolve("run")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no project root (a folder with .ci/run and pom.xml) above " + start.toAbsolutePath());
    }

    /** The project root above the working directory. */
    public static Path projectRoot() {
        return projectRoot(Path.of(System.getProperty("user.dir")));
    }

    /** {@code -Dauspex.nab.dir} if set, else {@code ../shared/data/nab} relative to the project root. */
    public static Path nabDirectory() {
        String override = System.getProperty(NAB_DIR_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return projectRoot().resolve("..").resolve("shared").resolve("data").resolve("nab").normalize();
    }

    /** {@link #nabDirectory()}, failing with a message naming the path when its labels file is missing. */
    public static Path requireNabDirectory() {
        Path dir = nabDirectory();
        if (!Files.isRegularFile(dir.resolve("combined_windows.json"))) {
            throw new IllegalStateException("NAB development set not found: no combined_windows.json in " + dir
                    + " (expected ../shared/data/nab relative to the project root, or set -D" + NAB_DIR_PROPERTY + ")");
        }
        return dir;
    }
}
