package io.auspex.infra.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.infra.sim.Incident;
import io.auspex.infra.sim.SimulatorConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real-time latency mode's scenario and statistics (the run itself: {@link RealtimeLatencyTest}, slow). */
class RealtimeLatencyScenarioTest {
    @Test
    void theScenarioPlacesTheTwoIncidentsInsideTheRealtimePart() {
        long start = 1_800_000_000_000L;
        SimulatorConfig c = RealtimeLatency.realtimeScenario(1, start, Duration.ofMinutes(10));
        List<Incident> incidents = c.incidents();
        assertEquals(2, incidents.size());
        assertEquals(start + 60_000, incidents.get(0).startMs());
        assertEquals(start + 270_000, incidents.get(0).endMs());
        assertEquals(start + 330_000, incidents.get(1).startMs());
        assertEquals(start + 540_000, incidents.get(1).endMs());
        assertEquals(1.0, c.speedFactor());
    }

    @Test
    void quantilesAreNearestRank() {
        List<Long> v = List.of(400L, 100L, 300L, 200L);
        assertEquals(200.0, RealtimeLatency.quantile(v, 0.5));
        assertEquals(400.0, RealtimeLatency.quantile(v, 0.99));
        assertEquals(100.0, RealtimeLatency.quantile(v, 0.25));
        assertEquals(7.0, RealtimeLatency.quantile(List.of(7L), 0.99));
        assertTrue(Double.isNaN(RealtimeLatency.quantile(List.of(), 0.5)));
    }
}
