package io.auspex.cli;

import io.auspex.jobs.config.KafkaClientProperties;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.io.KafkaStartupCheck;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The Kafka connection options of commands that talk to a broker (a picocli mixin): the same
 * Kafka client settings the job takes as {@code auspex.kafka.properties.*}, as
 * {@code --kafka-property KEY=VALUE}.
 */
public final class KafkaClientOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting (repeatable), e.g. security.protocol=SASL_SSL; values are never printed.")
    List<String> properties = List.of();

    /**
     * The {@code --kafka-property} settings as a map; a setting without {@code =}, with an empty
     * value or with a key the commands set themselves ({@link KafkaClientProperties#CLI_RESERVED})
     * is a usage error naming the key.
     */
    Map<String, Object> clientProperties() {
        Map<String, Object> m = new HashMap<>();
        for (String p : properties) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(mixee.commandLine(), "--kafka-property must be KEY=VALUE, "
                        + "got a value without '=' for key '" + (eq < 0 ? "?" : p.substring(0, eq)) + "'");
            }
            m.put(p.substring(0, eq).trim(), p.substring(eq + 1));
        }
        List<String> problems = KafkaClientProperties.problems(m, "", KafkaClientProperties.CLI_RESERVED);
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--kafka-property "
                    + String.join("; ", problems));
        }
        return m;
    }

    /**
     * {@link #clientProperties()}, once Kafka has accepted them ({@link KafkaStartupCheck}, within
     * the job's default {@code auspex.kafka.startup-check-timeout}).
     *
     * @throws KafkaStartupCheck.Failure when Kafka refuses the credentials or does not answer; the
     *     CLI prints its message and exits 2
     */
    Map<String, Object> checkedClientProperties() {
        Map<String, Object> m = clientProperties();
        KafkaStartupCheck.verify(bootstrapServers, m, AuspexOptions.STARTUP_CHECK_TIMEOUT.defaultValue());
        return m;
    }
}
