package io.auspex.infra.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auspex.infra.runtime.TopicReader;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A standalone Flink cluster of real JobManager and TaskManager processes, driven through
 * infra/scripts/local-cluster.sh and Flink's REST API, for the fault tests; with {@code ha}, also a
 * ZooKeeper server process and Flink's ZooKeeper high availability, so that a JobManager killed and
 * started again recovers the running jobs.
 *
 * <p>The REST helpers ({@link #get}, {@link #post}) retry for up to {@link #REST_PATIENCE} while the
 * REST endpoint is away (refused connections while no JobManager runs, 503 while a new one waits for
 * its leadership), so a test survives a JobManager failover.
 */
final class LocalCluster implements AutoCloseable {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String REST_PORT = "18081";
    static final String RPC_PORT = "16123";
    /** ZooKeeper's client port in HA mode (the script's default, 2181, is ZooKeeper's usual port). */
    static final String ZK_PORT = "12181";
    /** How long a REST call waits for the endpoint to come back (a JobManager failover takes about 15-30 s). */
    static final Duration REST_PATIENCE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final boolean ha;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private LocalCluster(Path dir, boolean ha) {
        this.dir = dir;
        this.ha = ha;
    }

    /** A cluster without high availability: a JobManager lost is a job lost. */
    static LocalCluster start(Path dir) throws Exception {
        return start(dir, false);
    }

    /** {@code ha}: with a ZooKeeper server and Flink's ZooKeeper HA services (AUSPEX_CLUSTER_HA=zookeeper). */
    static LocalCluster start(Path dir, boolean ha) throws Exception {
        Files.createDirectories(dir);
        LocalCluster c = new LocalCluster(dir, ha);
        c.script("start");
        return c;
    }

    boolean highAvailability() {
        return ha;
    }

    /** The JobManager process's id (from the script's pid file). */
    long jobManagerPid() throws IOException {
        return pid("jobmanager");
    }

    /** The TaskManager process's id (from the script's pid file). */
    long taskManagerPid() throws IOException {
        return pid("taskmanager");
    }

    private long pid(String process) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve(process + ".pid")).trim());
    }

    /** Kills the JobManager process with SIGKILL and waits until it is gone. */
    void killJobManager() throws Exception {
        long pid = jobManagerPid();
        script("kill-jobmanager");
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "JobManager " + pid + " still alive");
    }

    /** Starts a new JobManager process (returns at once; with HA it takes the leadership when it can). */
    void startJobManager() throws Exception {
        script("start-jobmanager");
    }

    void script(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("infra/scripts/local-cluster.sh").toString()));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("script-" + args[0] + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("AUSPEX_CLUSTER_DIR", dir.toString());
        pb.environment().put("AUSPEX_CLUSTER_REST_PORT", REST_PORT);
        pb.environment().put("AUSPEX_CLUSTER_RPC_PORT", RPC_PORT);
        pb.environment().put("AUSPEX_CLUSTER_ZK_PORT", ZK_PORT);
        pb.environment().put("AUSPEX_CLUSTER_HA", ha ? "zookeeper" : "none");
        int rc = pb.start().waitFor();
        assertEquals(0, rc, () -> args[0] + " failed: " + read(log));
    }

    /**
     * Watches the TaskManager process and starts a new one whenever it has exited, as a process
     * supervisor would (a Kubernetes Deployment, systemd); closing the handle stops watching. The
     * standalone cluster of local-cluster.sh has no supervisor of its own: a TaskManager that exits
     * on a fatal error stays gone and the job runs out of slots.
     */
    Supervisor superviseTaskManager() {
        Supervisor s = new Supervisor();
        s.thread.start();
        return s;
    }

    final class Supervisor implements AutoCloseable {
        private final Thread thread = new Thread(this::watch, "taskmanager-supervisor");
        private final List<Long> restartsAtMs = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean stop;

        private void watch() {
            while (!stop) {
                try {
                    long pid = taskManagerPid();
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        Thread.sleep(250);
                        continue;
                    }
                    if (stop) {
                        return;
                    }
                    restartsAtMs.add(System.currentTimeMillis());
                    System.out.println("supervisor: the TaskManager process " + pid + " has exited; starting a new one");
                    script("start-taskmanager");
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        /** When the supervisor found the TaskManager gone and started a new one (epoch ms). */
        List<Long> restartsAtMs() {
            return List.copyOf(restartsAtMs);
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.interrupt();
            thread.join(10_000);
        }
    }

    /** Submits the pipeline detached with job arguments {@code args} and returns its job id. */
    String submit(String... args) throws Exception {
        return submit(List.of(), args);
    }

    /**
     * Submits the pipeline detached and returns its job id; {@code runOptions} go to {@code flink run}
     * ({@code -s SAVEPOINT}, {@code -p PARALLELISM}), {@code args} to the job.
     */
    String submit(List<String> runOptions, String... args) throws Exception {
        List<String> before = jobIds();
        List<String> all = new ArrayList<>(List.of("run", "-d"));
        all.addAll(runOptions);
        all.addAll(List.of(args));
        script(all.toArray(new String[0]));
        List<String> after = jobIds();
        after.removeAll(before);
        assertEquals(1, after.size(), "one new job");
        return after.get(0);
    }

    List<String> jobIds() throws Exception {
        List<String> ids = new ArrayList<>();
        get("/jobs/overview").get("jobs").forEach(j -> ids.add(j.get("jid").asText()));
        return ids;
    }

    /**
     * GET of a REST path; retried on any I/O error (no JobManager, or one killed mid-request) and on
     * 502/503 (a JobManager without leadership yet) for up to {@link #REST_PATIENCE}.
     */
    JsonNode get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(), false);
    }

    /**
     * POST to a REST path; retried only where the request cannot have been acted on: a refused
     * connection and 502/503, for up to {@link #REST_PATIENCE} (a POST cut off mid-way is not repeated).
     */
    JsonNode post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                true);
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + REST_PORT + path);
    }

    private JsonNode send(HttpRequest request, boolean onlyIfNotSent) throws Exception {
        long deadline = System.nanoTime() + REST_PATIENCE.toNanos();
        String last;
        while (true) {
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 502 && r.statusCode() != 503) {
                    return JSON.readTree(r.body());
                }
                last = "HTTP " + r.statusCode() + ": " + r.body();
            } catch (java.net.ConnectException e) {
                last = e.toString();
            } catch (IOException e) {
                if (onlyIfNotSent) {
                    throw e;
                }
                last = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(request.method() + " " + request.uri() + ": no answer for " + REST_PATIENCE
                        + ", last: " + last);
            }
            Thread.sleep(500);
        }
    }

    /**
     * Stops the job with a savepoint and returns its location. A stop whose savepoint fails leaves
     * the job running; like an operator, the test then waits for the job to run and checkpoint
     * again and retries (at most three attempts), printing why the attempt failed. One such
     * failure ("Task local checkpoint failure") was seen in nine runs (docs/operations.md).
     */
    String stopWithSavepoint(String job, String target) throws Exception {
        return stopWithSavepoint(job, target, false);
    }

    /**
     * As {@link #stopWithSavepoint(String, String)}; {@code drain}: the sources emit the final
     * watermark first, so every window and timer fires as at the end of a bounded input (how a job
     * is ended for good).
     */
    String stopWithSavepoint(String job, String target, boolean drain) throws Exception {
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= 3; attempt++) {
            String trigger = post("/jobs/" + job + "/stop",
                    "{\"targetDirectory\": \"" + target + "\", \"drain\": " + drain + "}").get("request-id").asText();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            JsonNode op = null;
            while (op == null) {
                assertTrue(System.nanoTime() < deadline, "savepoint did not complete");
                Thread.sleep(500);
                JsonNode status = get("/jobs/" + job + "/savepoints/" + trigger);
                if (status.path("status").path("id").asText().equals("COMPLETED")) {
                    op = status.path("operation");
                }
            }
            if (op.has("location")) {
                return op.get("location").asText();
            }
            String why = "attempt " + attempt + ": " + op.path("failure-cause").path("stack-trace").asText()
                    .lines().limit(3).toList() + "\n" + problems("taskmanager.log");
            failures.add(why);
            System.out.println("stop with savepoint failed, " + why);
            long completed = get("/jobs/" + job + "/checkpoints").path("counts").path("completed").asLong();
            long again = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (get("/jobs/" + job + "/checkpoints").path("counts").path("completed").asLong() <= completed) {
                assertTrue(System.nanoTime() < again, () -> "no checkpoint after a failed savepoint: " + failures);
                Thread.sleep(500);
            }
        }
        throw new AssertionError("stop with savepoint failed three times: " + failures + "\n"
                + problems("jobmanager.log"));
    }

    /** Cancels {@code job} (for clean-up; errors are ignored). */
    void cancel(String job) {
        try {
            http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + REST_PORT + "/jobs/" + job + "?mode=cancel"))
                    .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            awaitEnd(job, Duration.ofMinutes(1));
        } catch (Exception | AssertionError e) {
            System.out.println("cancelling " + job + " failed: " + e);
        }
    }

    /**
     * Waits until {@code job} runs with every task running (or finished), as after a restore, and
     * returns when that was seen (epoch ms).
     */
    long awaitRunning(String job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode j;
        do {
            assertTrue(System.nanoTime() < deadline, () -> "job " + job + " not running again\n" + problems("jobmanager.log"));
            Thread.sleep(200);
            j = get("/jobs/" + job);
        } while (!allTasksRunning(j));
        return System.currentTimeMillis();
    }

    /** Whether a {@code /jobs/JOB} answer shows the job RUNNING with every task RUNNING or FINISHED, one running. */
    static boolean allTasksRunning(JsonNode job) {
        if (!job.path("state").asText().equals("RUNNING") || !job.path("vertices").isArray()
                || job.path("vertices").isEmpty()) {
            return false;
        }
        boolean running = false;
        for (JsonNode v : job.path("vertices")) {
            JsonNode counts = v.path("tasks");
            long all = 0;
            long ok = 0;
            for (Map.Entry<String, JsonNode> e : counts.properties()) {
                all += e.getValue().asLong();
                if (e.getKey().equals("RUNNING") || e.getKey().equals("FINISHED")) {
                    ok += e.getValue().asLong();
                }
            }
            if (all == 0 || ok != all) {
                return false;
            }
            running |= counts.path("RUNNING").asLong() > 0;
        }
        return running;
    }

    void awaitCompletedCheckpoint(String job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (get("/jobs/" + job + "/checkpoints").path("counts").path("completed").asInt() < 1) {
            assertTrue(System.nanoTime() < deadline, "no checkpoint completed");
            Thread.sleep(200);
        }
    }

    String awaitEnd(String job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state;
        do {
            assertTrue(System.nanoTime() < deadline, "job did not end");
            Thread.sleep(500);
            state = get("/jobs/" + job).path("state").asText();
        } while (!state.equals("FINISHED") && !state.equals("FAILED") && !state.equals("CANCELED"));
        return state;
    }

    String log(String name) {
        return read(dir.resolve("log").resolve(name));
    }

    /** The lines of a log that mention an exception, a failure or a decline (at most 60), for failure messages. */
    String problems(String name) {
        String text = log(name);
        StringBuilder out = new StringBuilder();
        int lines = 0;
        for (String line : text.split("\n")) {
            if (line.contains("Exception") || line.contains("ERROR") || line.contains("declin")
                    || line.contains("Caused by")) {
                out.append(line).append('\n');
                if (++lines == 60) {
                    break;
                }
            }
        }
        return name + ":\n" + out;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Every alert on the topic, read_committed; fails on a status repeated for one fingerprint. */
    static List<Alert> alertsExactlyOnce(String bootstrap) {
        List<Alert> alerts = new ArrayList<>();
        try (TopicReader<Alert> r = new TopicReader<>(bootstrap, "telemetry.alerts", Alert.class)) {
            r.readToEnd(Duration.ofMillis(500), alerts::add);
        }
        Map<String, AlertStatus> last = new HashMap<>();
        for (Alert a : alerts) {
            AlertStatus before = last.put(a.getFingerprint(), a.getStatus());
            assertTrue(before != a.getStatus(), () -> "duplicate " + a.getStatus() + " of " + a.getFingerprint());
        }
        return alerts;
    }

    @Override
    public void close() throws Exception {
        script("stop");
    }
}
