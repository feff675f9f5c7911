package io.auspex.infra.sim;

import io.auspex.infra.kafka.EmbeddedKafka;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Measures simulator throughput: the demo scenario into a discarding sink (generation alone),
 * then into an in-JVM Kafka broker through {@link KafkaTelemetryProducer}. Not part of the test
 * suite. Run from the repository root after {@code mvn -pl infra package}:
 *
 * <pre>
 * java -cp infra/target/classes:$(cat infra/target/classpath.txt) io.auspex.infra.sim.SimulatorBenchmark [kafka]
 * </pre>
 */
public final class SimulatorBenchmark {

    private SimulatorBenchmark() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        SimulatorConfig demo = Scenarios.demo();
        out.println("scenario: " + demo);
        // warm-up on a short run, then measure the full demo
        new TelemetrySimulator(demo.toBuilder().duration(Duration.ofMinutes(20)).build())
                .run(TelemetrySink.discard());
        SimulationResult gen = new TelemetrySimulator(demo).run(TelemetrySink.discard());
        out.println("generation only: " + gen);
        if (args.length > 0 && args[0].equals("kafka")) {
            try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
                kafka.createTopics(TelemetryTopics.DEFAULTS.all());
                long t0 = System.nanoTime();
                SimulationResult sent = KafkaTelemetryProducer.produce(new TelemetrySimulator(demo),
                        kafka.bootstrapServers());
                long nanos = System.nanoTime() - t0;
                out.printf("to Kafka (acknowledged, producer closed): %d records in %.2f s = %.0f records/s%n",
                        sent.records(), nanos / 1e9, sent.records() * 1e9 / nanos);
            }
        }
    }
}
