package io.auspex.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The Kafka connection options of commands that talk to a broker (a picocli mixin). */
public final class KafkaClientOptions {
    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting (repeatable), e.g. security.protocol=SASL_SSL; values are never printed.")
    List<String> properties = List.of();

    /** The {@code --kafka-property} settings as a map. */
    Map<String, Object> clientProperties() {
        Map<String, Object> m = new HashMap<>();
        for (String p : properties) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--kafka-property must be KEY=VALUE, got a value without '=' for "
                        + "key '" + (eq < 0 ? "?" : p.substring(0, eq)) + "'");
            }
            m.put(p.substring(0, eq).trim(), p.substring(eq + 1));
        }
        return m;
    }
}
