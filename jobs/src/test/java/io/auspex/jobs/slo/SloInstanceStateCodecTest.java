package io.auspex.jobs.slo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SloInstanceStateCodecTest {
    private static final String TINY = """
            slos:
              - name: s
                service: svc
                objective: 99
                period: 1d
                sli: {type: availability}
                alerting:
                  rules:
                    - {tier: fast, severity: page, long_window: 2m, short_window: 1m, burn_rate: 10}
            """;

    /** Version 1 bytes of a tiny state: 3 minutes of 10 events per window, the last two windows all bad; fast rule firing. */
    private static final String V1 = "01000d617661696c6162696c6974797c0000019b76daa8000000019b76dd67200000019b76dd67200000000001c16dc20000"
            + "003e0000000001c16dc200000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000003c003c003c140000"
            + "001a0000000000077d9000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000b4011400000001000466617374010000019b76dd672080000000"
            + "00000000";

    private static SloScenario tiny() {
        SloScenario s = new SloScenario(TINY, "svc");
        s.run(Duration.ofMinutes(2), 10, 0).run(Duration.ofSeconds(40), 10, 0).window(10, 10, 0).window(10, 10, 0);
        return s;
    }

    @Test
    void roundTripKeepsBehaviour() {
        SloScenario a = tiny();
        SloInstanceState st = a.engine.instance("svc", "s", "");
        assertEquals(true, st.firing("fast"));
        SloInstanceState copy = SloInstanceStateCodec.decode(SloInstanceStateCodec.encode(st));
        assertArrayEquals(SloInstanceStateCodec.encode(st), SloInstanceStateCodec.encode(copy));
        SloDefinition def = a.engine.slos().get("s").orElseThrow();
        long now = SloScenario.T0 + 180_000;
        for (long w : def.windowsMs()) {
            assertEquals(SloEvaluator.burnRate(def, st, w, now), SloEvaluator.burnRate(def, copy, w, now));
        }
        assertEquals(SloEvaluator.budgetRemaining(def, st, now), SloEvaluator.budgetRemaining(def, copy, now));
        assertEquals(true, copy.firing("fast"));
        assertEquals(st.firstDataMs(), copy.firstDataMs());
    }

    @Test
    void version1BytesStillDecode() {
        SloScenario a = tiny();
        SloInstanceState st = a.engine.instance("svc", "s", "");
        assertEquals(V1, HexFormat.of().formatHex(SloInstanceStateCodec.encode(st)),
                "the version 1 format changed: bump VERSION and keep a reader for version 1");
        SloInstanceState old = SloInstanceStateCodec.decode(HexFormat.of().parseHex(V1));
        SloDefinition def = a.engine.slos().get("s").orElseThrow();
        long now = SloScenario.T0 + 180_000;
        assertEquals(true, old.firing("fast"));
        assertEquals(SloEvaluator.burnRate(def, st, 120_000, now), SloEvaluator.burnRate(def, old, 120_000, now));
    }

    @Test
    void unknownVersionFailsClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SloInstanceStateCodec.decode(new byte[] {9}));
        assertEquals("unknown SLO instance state version 9 (this build reads 1)", e.getMessage());
    }
}
