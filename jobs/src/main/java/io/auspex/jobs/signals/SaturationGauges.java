package io.auspex.jobs.signals;

import java.util.Set;

/** The gauges whose max makes the saturation golden signal (ratios in [0, 1]). */
public final class SaturationGauges {
    public static final Set<String> DEFAULT = Set.of(
            "process.cpu.utilization", "process.memory.utilization", "db.client.connection.pool.utilization");

    private SaturationGauges() {}
}
