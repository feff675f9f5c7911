package io.auspex.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists every option of {@link AuspexOptions}, with its default, and no option that is gone. */
class ConfigurationDocTest {

    static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve(".ci/run"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no project root (a folder with .ci/run) above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    static List<ConfigOption<?>> options() throws IllegalAccessException {
        List<ConfigOption<?>> out = new ArrayList<>();
        for (Field f : AuspexOptions.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                out.add((ConfigOption<?>) f.get(null));
            }
        }
        return out;
    }

    /** The table rows of the doc: key -> default cell. */
    static Map<String, String> rows() throws Exception {
        Map<String, String> rows = new HashMap<>();
        for (String line : Files.readAllLines(projectRoot().resolve("docs/configuration.md"))) {
            String[] cells = line.split("\\|");
            if (cells.length >= 5 && cells[1].trim().startsWith("`auspex.") && !cells[1].contains("<")) {
                rows.put(cells[1].trim().replace("`", ""), cells[3].trim());
            }
        }
        return rows;
    }

    @Test
    void everyOptionIsDocumentedWithItsDefault() throws Exception {
        Map<String, String> rows = rows();
        List<String> problems = new ArrayList<>();
        for (ConfigOption<?> o : options()) {
            String cell = rows.get(o.key());
            if (cell == null) {
                problems.add(o.key() + ": not in docs/configuration.md");
                continue;
            }
            if (!o.hasDefaultValue()) {
                if (!cell.startsWith("(")) {
                    problems.add(o.key() + ": has no default, the doc says " + cell);
                }
                continue;
            }
            Object d = o.defaultValue();
            String expected = d instanceof Duration dur ? TimeUtils.formatWithHighestUnit(dur) : String.valueOf(d);
            if (d instanceof List) {
                continue; // list defaults are described in words (too long for the table)
            }
            if (!cell.equals(expected) && !cell.startsWith(expected + " ")) {
                problems.add(o.key() + ": default " + expected + ", the doc says " + cell);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theDocListsNoOptionThatDoesNotExist() throws Exception {
        List<String> keys = new ArrayList<>();
        for (ConfigOption<?> o : options()) {
            keys.add(o.key());
        }
        List<String> extra = new ArrayList<>(rows().keySet());
        extra.removeAll(keys);
        assertEquals(List.of(), extra);
        assertTrue(keys.size() > 30, "options found: " + keys.size());
    }
}
