package io.auspex.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** The {@code --set KEY=VALUE} pipeline options of a command, parsed. */
final class PipelineSettings {
    private PipelineSettings() {}

    /** {@code settings} as a map in their order (a key given twice: the last wins); a malformed one is a usage error. */
    static Map<String, String> parse(List<String> settings, CommandLine cmd) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(cmd, "--set must be KEY=VALUE, got '" + s + "'");
            }
            overrides.put(s.substring(0, eq).trim(), s.substring(eq + 1));
        }
        return overrides;
    }
}
