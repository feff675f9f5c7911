package io.auspex.infra.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench with tiny numbers: behaviour, not speed. 20,000 records in 18 services (two copies of
 * the shop), one round; every job must count exactly what was loaded.
 */
class BenchRunnerTest {
    static final long RECORDS = 20_000;

    @TempDir
    static Path dir;

    static BenchRunner.Report report;
    static String printed;

    @BeforeAll
    static void runBench() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        BenchRunner.Settings settings = new BenchRunner.Settings(RECORDS, 2, 1,
                EnumSet.allOf(BenchRunner.Job.class), 2, 200, 7, Duration.ofSeconds(1),
                dir, java.util.Map.of());
        report = new BenchRunner(settings, out).run(n -> { }, () -> { });
        printed = bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void loadsExactlyTheRecordsAskedFor() {
        BenchData.Loaded data = report.data();
        assertEquals(RECORDS, data.records());
        assertEquals(18, data.services());
        assertTrue(data.spans() > data.servedSpans() && data.servedSpans() > 0, data.toString());
        long onTopics = data.endOffsets().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(data.batches(), onTopics, "every OTLP batch is on a topic");
    }

    @Test
    void runsEachJobOnce() {
        assertEquals(3, report.runs().size());
        for (BenchRunner.Run r : report.runs()) {
            assertNull(r.failure(), r.job() + " failed");
            assertTrue(r.wallNanos() > 0);
        }
    }

    @Test
    void sqlAndBareJobsCountEverySpanLoaded() {
        for (BenchRunner.Run r : report.runs()) {
            if (r.job() == BenchRunner.Job.PIPELINE) {
                continue;
            }
            assertEquals(report.data().spans(), r.spansCounted(), r.job() + " spans");
            assertEquals(report.data().servedSpans(), r.requestsCounted(), r.job() + " served spans");
            assertEquals(report.data().spans(), r.recordsRead());
        }
    }

    @Test
    void pipelineSignalsCountEveryServedSpanLoaded() {
        BenchRunner.Run p = report.runs().get(0);
        assertEquals(BenchRunner.Job.PIPELINE, p.job());
        assertEquals(report.data().servedSpans(), p.requestsCounted(), "sum of the signals' request counts");
        assertEquals(0, p.deadLetters());
        assertEquals(report.data().records(), p.recordsRead());
    }

    @Test
    void sqlAndBareJobsAgreeOnTheWindows() {
        assertEquals(report.runs().get(1).windows(), report.runs().get(2).windows());
    }

    @Test
    void printsRunsAndTheMachineReadableLine() {
        assertTrue(report.countsMatch());
        assertTrue(printed.contains("Flink SQL cannot parse OTLP protobuf itself"), printed);
        String last = printed.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("BENCH records=20000 services=18 repeats=1 pipeline_rps="), last);
        assertTrue(last.endsWith("counts_ok=true"), last);
        assertEquals(3, printed.lines().filter(l -> l.startsWith("run 1 ")).count(), printed);
    }
}
