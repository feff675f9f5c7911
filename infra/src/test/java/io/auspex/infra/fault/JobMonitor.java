package io.auspex.infra.fault;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Samples a job on a {@link LocalCluster} through Flink's REST API every 200 ms while it runs: job
 * status, restarts ({@code numRestarts}), checkpoints completed and restored, and the latest
 * completed checkpoint's acknowledgement time. Recovery figures are read off the samples.
 *
 * <p>While no JobManager answers (killed, or a new one not yet leader) a sample waits in
 * {@link LocalCluster#get}'s retries and then goes on; one that still fails is left out, so the
 * samples have a gap over a JobManager failover, and the figures after it are the new JobManager's
 * (its {@code numRestarts} counts from its own recovery of the job).
 */
final class JobMonitor implements AutoCloseable {
    /** One sample; times are epoch milliseconds of this machine's clock (the cluster's too). */
    record Sample(long atMs, String state, long restarts, long completed, long restored, long latestAckMs,
            long restoreMs) {}

    private final LocalCluster cluster;
    private final String job;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;
    private volatile int failedSamples;

    private JobMonitor(LocalCluster cluster, String job) {
        this.cluster = cluster;
        this.job = job;
        this.thread = new Thread(this::loop, "job-monitor-" + job);
        thread.setDaemon(true);
    }

    static JobMonitor start(LocalCluster cluster, String job) {
        JobMonitor m = new JobMonitor(cluster, job);
        m.thread.start();
        return m;
    }

    private void loop() {
        while (!stop) {
            try {
                sample();
            } catch (Exception e) {
                // the REST endpoint can miss a beat under load, or be away longer than get() waits
                // (a JobManager failover); the next sample counts
                failedSamples++;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Takes one sample now (also called once more after the job ended). */
    void sample() throws Exception {
        long at = System.currentTimeMillis();
        String state = cluster.get("/jobs/" + job).path("state").asText();
        JsonNode cp = cluster.get("/jobs/" + job + "/checkpoints");
        long restarts = -1;
        JsonNode metrics = cluster.get("/jobs/" + job + "/metrics?get=numRestarts");
        if (metrics.isArray() && !metrics.isEmpty()) {
            restarts = metrics.get(0).path("value").asLong(-1);
        }
        Sample s = new Sample(at, state, restarts, cp.path("counts").path("completed").asLong(),
                cp.path("counts").path("restored").asLong(),
                cp.path("latest").path("completed").path("latest_ack_timestamp").asLong(-1),
                cp.path("latest").path("restored").path("restore_timestamp").asLong(-1));
        synchronized (samples) {
            samples.add(s);
        }
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** The most restarts any sample saw (numRestarts counts every restart of the job since it was submitted). */
    long restarts() {
        return samples().stream().mapToLong(Sample::restarts).max().orElse(-1);
    }

    /** The earliest acknowledgement time of a checkpoint completed after {@code afterMs}. */
    OptionalLong firstCheckpointAfter(long afterMs) {
        return samples().stream().mapToLong(Sample::latestAckMs).filter(t -> t > afterMs).min();
    }

    /** The latest restore time seen (-1 if the job never restored). */
    long lastRestoreMs() {
        return samples().stream().mapToLong(Sample::restoreMs).max().orElse(-1);
    }

    /** The earliest sample time in {@code state} after {@code afterMs}. */
    OptionalLong firstInState(String state, long afterMs) {
        return samples().stream().filter(s -> s.atMs() > afterMs && s.state().equals(state))
                .mapToLong(Sample::atMs).min();
    }

    /** How many samples failed (no answer from the REST endpoint in time). */
    int failedSamples() {
        return failedSamples;
    }

    /** The last sample's completed checkpoint count. */
    long checkpointsCompleted() {
        List<Sample> s = samples();
        return s.isEmpty() ? 0 : s.get(s.size() - 1).completed();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(5_000);
        try {
            sample();
        } catch (Exception e) {
            // the last word is optional
        }
    }
}
