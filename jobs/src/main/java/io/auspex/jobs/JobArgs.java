package io.auspex.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;

/**
 * Command-line arguments of the job: {@code --key value} pairs with the keys of
 * {@link io.auspex.jobs.config.AuspexOptions}, and optionally {@code --config FILE} (a
 * properties file of the same keys; command-line pairs win).
 */
public final class JobArgs {
    private JobArgs() {}

    public static Configuration parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        Map<String, String> cli = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value pairs, got '" + a + "'");
            }
            cli.put(a.substring(2), args[++i]);
        }
        String file = cli.remove("config");
        if (file != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read config file " + file, e);
            }
            p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        }
        m.putAll(cli);
        return Configuration.fromMap(m);
    }
}
