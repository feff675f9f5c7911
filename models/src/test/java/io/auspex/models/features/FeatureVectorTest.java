package io.auspex.models.features;

import static io.auspex.models.training.SignalsFixtures.BEGINNING;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.models.training.SignalsFixtures;
import io.auspex.schemas.ServiceSignals;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureVectorTest {

    @Test
    void namesAndOrderAreFixed() {
        assertEquals(List.of("log1p_traffic_rps", "log_error_ratio", "log1p_latency_p50_ms",
                "log1p_latency_p90_ms", "log1p_latency_p99_ms", "log1p_latency_max_ms",
                "saturation", "log1p_error_logs_per_s"), FeatureVector.names());
        assertEquals(8, FeatureVector.SIZE);
        assertThrows(UnsupportedOperationException.class, () -> FeatureVector.names().add("x"));
    }

    @Test
    void extractsExactValues() {
        // 99 rps, 0.9 % errors, latencies 9/19/49/99 ms, saturation 0.5, 30 error logs in 10 s.
        ServiceSignals s = SignalsFixtures.window("checkout", BEGINNING, 99.0, 0.009,
                9.0, 19.0, 49.0, 99.0, 0.5, 30);
        assertArrayEquals(new double[] {
            4.605170185988092,   // ln(100)
            -4.605170185988092,  // ln(0.009 + 0.001) = ln(0.01)
            2.302585092994046,   // ln(10)
            2.995732273553991,   // ln(20)
            3.912023005428146,   // ln(50)
            4.605170185988092,   // ln(100)
            0.5,
            1.3862943611198906,  // ln(1 + 30 / 10 s)
        }, FeatureVector.extract(s), 1e-12);
    }

    @Test
    void zeroErrorsAndZeroTrafficStayFinite() {
        ServiceSignals idle = SignalsFixtures.window("idle", BEGINNING, 0.0, 0.0,
                0.0, 0.0, 0.0, 0.0, 0.0, 0);
        assertArrayEquals(new double[] {0, -6.907755278982137, 0, 0, 0, 0, 0, 0},
                FeatureVector.extract(idle), 1e-12);
        assertTrue(FeatureVector.isValid(FeatureVector.extract(idle)));
    }

    @Test
    void errorLogRateUsesTheWindowLength() {
        ServiceSignals fiveSeconds = ServiceSignals.newBuilder(SignalsFixtures.window("a",
                BEGINNING, 1.0, 0.0, 1, 1, 1, 1, 0, 30)).setWindowEndMs(BEGINNING + 5_000).build();
        assertEquals(1.9459101490553132, FeatureVector.extract(fiveSeconds)[7], 1e-12); // ln 7
        ServiceSignals empty = ServiceSignals.newBuilder(fiveSeconds)
                .setWindowEndMs(BEGINNING).build();
        assertEquals(3.4339872044851463, FeatureVector.extract(empty)[7], 1e-12); // ln 31
    }

    @Test
    void nonFiniteOrNegativeInputsMakeTheVectorInvalid() {
        assertFalse(FeatureVector.isValid(FeatureVector.extract(SignalsFixtures.window("a",
                BEGINNING, Double.NaN, 0, 1, 1, 1, 1, 0, 0))));
        assertFalse(FeatureVector.isValid(FeatureVector.extract(SignalsFixtures.window("a",
                BEGINNING, -2.0, 0, 1, 1, 1, 1, 0, 0))));
        assertFalse(FeatureVector.isValid(FeatureVector.extract(SignalsFixtures.window("a",
                BEGINNING, 1, 0, 1, 1, Double.POSITIVE_INFINITY, 1, 0, 0))));
        assertFalse(FeatureVector.isValid(new double[] {1, 2}));
    }

    @Test
    void minScalesFollowTheFeatureOrder() {
        assertArrayEquals(new double[] {0.05, 0.1, 0.05, 0.05, 0.05, 0.05, 0.02, 0.05},
                FeatureVector.minScales());
    }
}
