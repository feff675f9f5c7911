package io.auspex.infra.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-time latency mode end to end: the unbounded pipeline, the simulator at 1x, alerts timed
 * on a read_committed consumer. Two minutes of wall time, so in the slow profile.
 */
@Tag("slow")
class RealtimeLatencyTest {
    @Test
    void timesTheErrorBurstsAlertsFromTheirEventTimeToTheirCommit(@TempDir Path dir) throws Exception {
        RealtimeLatency.Settings s = new RealtimeLatency.Settings(Duration.ofMinutes(2), Duration.ofMinutes(30),
                Duration.ofSeconds(1), 42, dir, Map.of());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        RealtimeLatency.Result r = new RealtimeLatency(s, out).run();
        RealtimeLatency.printSummary(r, s, out);
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(r.jobRan(), printed);
        assertTrue(r.alerts().stream().anyMatch(t -> t.alert().getService().equals("payment")
                && t.alert().getStatus().toString().equals("FIRING")), "the error burst alerts: " + printed);
        for (RealtimeLatency.Timed t : r.alerts()) {
            assertTrue(t.alert().getEventTimeMs() >= r.realtimeStartMs(), "warm-up alerts are not timed");
            // after its event time (the watermark trails by 5 s, then a checkpoint), and not absurdly late
            assertTrue(t.latencyMs() > 0 && t.latencyMs() < 60_000, t + " " + t.latencyMs());
        }
        String last = printed.lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("LATENCY alerts=" + r.alerts().size() + " p50_ms="), last);
        assertTrue(last.endsWith("checkpoint_ms=1000 duration_s=120 job_ran=true"), last);
    }
}
