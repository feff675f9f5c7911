package io.auspex.jobs.decode;

import io.auspex.jobs.Fixtures;
import io.auspex.jobs.io.AvroCodec;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;

/**
 * Benchmark, not a test: one span as the OTLP decoder makes it (kept resource and span
 * attributes), written and read back on one thread, by Flink's {@code AvroSerializer} (Avro's
 * generic datum writer and reader) and by {@link AvroCodec} (the generated class's own coders);
 * nanoseconds per round trip, best of the rounds after warm-up.
 *
 * <pre>
 * flock /tmp/auspex-mvn.lock mvn -q -B -o -pl jobs test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/jobs-cp.txt -Dmdep.includeScope=test
 * java -cp "jobs/target/test-classes:jobs/target/classes:$(cat /tmp/jobs-cp.txt)" \
 *     io.auspex.jobs.decode.TelemetrySerializerBenchmark [rounds=20] [records=200000]
 * </pre>
 */
public final class TelemetrySerializerBenchmark {
    private TelemetrySerializerBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        Span span = Fixtures.span("checkout", "00000000000000b2", "00000000000000a1", SpanKind.CLIENT, Fixtures.T0)
                .setHttpStatusCode(200).setAttributes(Map.of("service.instance.id", "checkout-7d9f-1",
                        "k8s.pod.name", "checkout-7d9f-1", "host.name", "node-3", "http.route", "/cart",
                        "http.request.method", "GET", "server.address", "payments")).build();
        AvroSerializer<Span> flink = new AvroSerializer<>(Span.class);
        AvroCodec<Span> codec = new AvroCodec<>(Span.class, Span.getClassSchema());
        DataOutputSerializer out = new DataOutputSerializer(512);
        DataInputDeserializer in = new DataInputDeserializer();
        double bestFlink = Double.MAX_VALUE;
        double bestCodec = Double.MAX_VALUE;
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                out.clear();
                flink.serialize(span, out);
                in.setBuffer(out.getSharedBuffer(), 0, out.length());
                sink += flink.deserialize(in).getDurationUs();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                out.clear();
                codec.write(span, out);
                in.setBuffer(out.getSharedBuffer(), 0, out.length());
                sink += codec.read(in).getDurationUs();
            }
            long t2 = System.nanoTime();
            if (r >= rounds / 2) {
                bestFlink = Math.min(bestFlink, (t1 - t0) / (double) n);
                bestCodec = Math.min(bestCodec, (t2 - t1) / (double) n);
            }
        }
        System.out.printf(Locale.ROOT, "java %s, %d cores; span of %d bytes; %d rounds of %d (best of the last %d)%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), out.length(), rounds, n,
                rounds - rounds / 2);
        System.out.printf(Locale.ROOT, "Flink AvroSerializer  %.0f ns per write + read%n", bestFlink);
        System.out.printf(Locale.ROOT, "AvroCodec             %.0f ns per write + read (%.2fx)%n", bestCodec,
                bestFlink / bestCodec);
        System.out.println("(checksum " + sink + ")");
    }
}
