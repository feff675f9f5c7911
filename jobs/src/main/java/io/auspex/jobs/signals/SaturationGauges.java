package io.auspex.jobs.signals;

import java.util.Set;

/**
 * The default gauges whose max makes the saturation golden signal: the semantic conventions'
 * utilization ratios of processes, hosts, containers and Kubernetes pods and containers, the JVM's,
 * and connection-pool usage (configurable with {@code auspex.signals.saturation-metrics}).
 */
public final class SaturationGauges {
    public static final Set<String> DEFAULT = Set.of(
            "process.cpu.utilization", "process.memory.utilization",
            "system.cpu.utilization", "system.memory.utilization",
            "container.cpu.utilization", "container.memory.utilization",
            "k8s.pod.cpu_limit_utilization", "k8s.pod.memory_limit_utilization",
            "k8s.container.cpu_limit_utilization", "k8s.container.memory_limit_utilization",
            "jvm.cpu.recent_utilization", "db.client.connection.pool.utilization");

    private SaturationGauges() {}
}
