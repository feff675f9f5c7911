package io.auspex.infra.otlp;

import com.google.protobuf.Message;
import io.auspex.infra.sim.InMemorySink;
import io.auspex.infra.sim.Scenarios;
import io.auspex.infra.sim.TelemetrySimulator;
import io.auspex.jobs.config.AuspexOptions;
import io.auspex.jobs.decode.InputFormat;
import io.auspex.jobs.decode.TelemetryDecoder;
import io.auspex.jobs.decode.otlp.OtlpDecoder;
import io.auspex.jobs.decode.otlp.OtlpJson;
import io.auspex.jobs.decode.otlp.OtlpSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Benchmark, not a test: {@link OtlpDecoder#decode} on one thread over realistic OTLP batches, in
 * protobuf and in JSON, per signal. The batches are the simulator's telemetry (the demo scenario,
 * with its incidents, no malformed records) encoded by {@link OtlpEncoder} in batches of
 * {@value OtlpBatcher#BATCH_RECORDS} records in event-time order, one resource per
 * service, as the simulator's Kafka producer writes them when its size limit cuts the batch. What
 * is timed is what the Kafka source does per message: parse, map to the pipeline's records,
 * validate, hand each record to a consumer (here a counter). Each measurement is one pass over
 * all batches of a signal, repeated until it holds at least {@value #MIN_RECORDS_PER_PASS}
 * records (the simulator writes few metric points and logs, so their batches are gone through
 * several times); a few passes warm up the JIT first.
 *
 * <pre>
 * flock /tmp/auspex-mvn.lock mvn -B -q -o -pl infra -am test-compile
 * flock /tmp/auspex-mvn.lock mvn -B -q -o -pl infra dependency:build-classpath -Dmdep.outputFile=/tmp/infra.cp
 * java -Xmx2g -cp infra/target/test-classes:infra/target/classes:jobs/target/classes:schemas/target/classes:models/target/classes:$(cat /tmp/infra.cp) \
 *     io.auspex.infra.otlp.OtlpDecodeBenchmark [minutes=30] [warmup=5] [repetitions=7]
 * </pre>
 */
public final class OtlpDecodeBenchmark {
    private static final int BATCH = OtlpBatcher.BATCH_RECORDS;
    static final int MIN_RECORDS_PER_PASS = 250_000;

    private OtlpDecodeBenchmark() {}

    /** One signal's batches in one encoding. */
    record Input(String signal, TelemetryDecoder.Kind kind, InputFormat format, List<byte[]> batches, long records,
            long bytes) {}

    public static void main(String[] args) throws Exception {
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        System.out.printf(Locale.ROOT, "java %s, %d cores, max heap %d MB%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);

        long now = System.currentTimeMillis();
        long start = now - Duration.ofMinutes(minutes).toMillis() - 60_000L;
        InMemorySink sink = new InMemorySink();
        new TelemetrySimulator(Scenarios.demo(42L, start).toBuilder().duration(Duration.ofMinutes(minutes))
                .badRecordCount(0).build()).run(sink);
        System.out.printf(Locale.ROOT, "simulated %d min of the demo scenario: %,d spans, %,d metric points, %,d logs%n",
                minutes, sink.spans().size(), sink.metrics().size(), sink.logs().size());

        List<Input> inputs = new ArrayList<>();
        for (InputFormat format : List.of(InputFormat.OTLP_PROTO, InputFormat.OTLP_JSON)) {
            inputs.add(input("spans", TelemetryDecoder.Kind.SPAN, format, sink.spans(), l -> OtlpEncoder.traces(l)));
            inputs.add(input("metrics", TelemetryDecoder.Kind.METRIC, format, sink.metrics(),
                    l -> OtlpEncoder.metrics(l)));
            inputs.add(input("logs", TelemetryDecoder.Kind.LOG, format, sink.logs(), l -> OtlpEncoder.logs(l)));
        }

        System.out.printf(Locale.ROOT, "%d warm-up passes, then %d timed passes per row; one thread%n", warmup, reps);
        System.out.printf(Locale.ROOT, "%-10s %-8s %8s %10s %9s %10s %7s %34s %9s%n", "format", "signal", "batches",
                "records", "MB", "bytes/rec", "rounds", "records/s median (min-max)", "MB/s");
        for (Input in : inputs) {
            OtlpDecoder decoder = new OtlpDecoder(in.kind(), in.format(),
                    AuspexOptions.MAX_FUTURE_SKEW.defaultValue().toMillis(),
                    AuspexOptions.MAX_AGE.defaultValue().toMillis(), OtlpSettings.DEFAULTS);
            int rounds = (int) Math.max(1, (MIN_RECORDS_PER_PASS + in.records() - 1) / in.records());
            for (int i = 0; i < warmup; i++) {
                pass(decoder, in, now, rounds);
            }
            double[] seconds = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                long decoded = pass(decoder, in, now, rounds);
                seconds[i] = (System.nanoTime() - t0) / 1e9;
                if (decoded != in.records() * rounds) {
                    throw new IllegalStateException(in.signal() + " " + in.format() + ": decoded " + decoded
                            + " good records of " + in.records() * rounds);
                }
            }
            double[] sorted = seconds.clone();
            Arrays.sort(sorted);
            double median = sorted[reps / 2];
            double records = (double) in.records() * rounds;
            double mb = in.bytes() * rounds / 1e6;
            System.out.printf(Locale.ROOT, "%-10s %-8s %8d %,10d %9.1f %10.0f %7d %,14.0f (%,.0f-%,.0f) %9.1f%n",
                    in.format().name().toLowerCase(Locale.ROOT), in.signal(), in.batches().size(), in.records(),
                    in.bytes() / 1e6, (double) in.bytes() / in.records(), rounds, records / median,
                    records / sorted[reps - 1], records / sorted[0], mb / median);
        }
    }

    static <T> Input input(String signal, TelemetryDecoder.Kind kind, InputFormat format, List<T> records,
            Function<List<T>, Message> encode) {
        List<byte[]> batches = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < records.size(); i += BATCH) {
            Message batch = encode.apply(records.subList(i, Math.min(records.size(), i + BATCH)));
            byte[] v = format == InputFormat.OTLP_JSON ? OtlpJson.print(batch).getBytes(StandardCharsets.UTF_8)
                    : batch.toByteArray();
            batches.add(v);
            bytes += v.length;
        }
        return new Input(signal, kind, format, batches, records.size(), bytes);
    }

    /** {@code rounds} passes over every batch; returns the good records decoded (dead letters would not count). */
    static long pass(OtlpDecoder decoder, Input in, long now, int rounds) {
        long[] good = {0};
        long offset = 0;
        for (int r = 0; r < rounds; r++) {
            for (byte[] v : in.batches()) {
                decoder.decode("bench", 0, offset++, now, null, v, now, t -> {
                    if (!t.isDeadLetter()) {
                        good[0]++;
                    }
                });
            }
        }
        return good[0];
    }
}
