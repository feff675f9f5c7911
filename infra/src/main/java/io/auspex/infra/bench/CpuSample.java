package io.auspex.infra.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the whole machine and of this JVM at one instant, from {@code /proc/stat} and
 * {@code /proc/self/stat} (clock ticks). Two samples tell how many cores the machine was busy
 * during a run and how much of that was this JVM, so a run disturbed by other work shows; in a
 * virtual machine, steal time is CPU the hypervisor gave to other guests while this one wanted it.
 * On systems without /proc every figure is unknown (NaN).
 */
record CpuSample(long nanos, long machineBusyTicks, long stealTicks, long selfTicks) {
    /** Linux's USER_HZ on every common architecture. */
    private static final double TICKS_PER_SECOND = 100.0;

    static CpuSample now() {
        long t = System.nanoTime();
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // user nice system idle iowait irq softirq steal
            long busy = Long.parseLong(cpu[1]) + Long.parseLong(cpu[2]) + Long.parseLong(cpu[3])
                    + Long.parseLong(cpu[6]) + Long.parseLong(cpu[7]);
            long steal = Long.parseLong(cpu[8]);
            String self = Files.readString(Path.of("/proc/self/stat"));
            String[] f = self.substring(self.lastIndexOf(')') + 2).trim().split("\\s+");
            // after the command name: state is field 3, utime field 14, stime field 15
            long selfTicks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return new CpuSample(t, busy, steal, selfTicks);
        } catch (IOException | RuntimeException e) {
            return new CpuSample(t, -1, -1, -1);
        }
    }

    /** Cores the whole machine kept busy between {@code start} and this sample. */
    double machineCores(CpuSample start) {
        if (selfTicks < 0 || start.selfTicks < 0) {
            return Double.NaN;
        }
        return (machineBusyTicks - start.machineBusyTicks) / TICKS_PER_SECOND / ((nanos - start.nanos) / 1e9);
    }

    /** Cores' worth of time the hypervisor gave to other guests between {@code start} and this sample. */
    double stealCores(CpuSample start) {
        if (selfTicks < 0 || start.selfTicks < 0) {
            return Double.NaN;
        }
        return (stealTicks - start.stealTicks) / TICKS_PER_SECOND / ((nanos - start.nanos) / 1e9);
    }

    /** Cores this JVM kept busy between {@code start} and this sample. */
    double selfCores(CpuSample start) {
        if (selfTicks < 0 || start.selfTicks < 0) {
            return Double.NaN;
        }
        return (selfTicks - start.selfTicks) / TICKS_PER_SECOND / ((nanos - start.nanos) / 1e9);
    }
}
