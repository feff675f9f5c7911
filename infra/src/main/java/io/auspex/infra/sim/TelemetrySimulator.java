package io.auspex.infra.sim;

import io.auspex.schemas.LogRecord;
import io.auspex.schemas.MetricPoint;
import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import io.auspex.schemas.StatusCode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Generates spans, gauges and logs of the configured {@link Topology} over an event-time
 * interval, with the configured incidents injected, as fast as it can (or at
 * {@link SimulatorConfig#speedFactor()} event-time seconds per wall second).
 *
 * <p>Deterministic: each event-time second draws from its own random stream derived from the
 * seed, so equal configs give identical output, and an incident changes nothing outside the
 * seconds it covers (except the gauges' memory state, which is drawn separately).
 *
 * <p>Delivery order: each record gets a delivery time {@code eventTime + U[0, maxOutOfOrdernessMs]}
 * and records reach the sink sorted by delivery time, so no record arrives more than
 * {@code maxOutOfOrdernessMs} of event time after a later record. Span event time is the span's
 * start. See docs/simulator.md for the model.
 *
 * <p>Single-threaded; {@link #run(TelemetrySink)} may be called again and repeats the output.
 */
public final class TelemetrySimulator {

    static final String CPU = "process.cpu.utilization";
    static final String MEMORY = "process.memory.utilization";
    static final String POOL = "db.client.connection.pool.utilization";

    private static final int SEVERITY_INFO = 9;
    private static final int SEVERITY_WARN = 13;
    private static final int SEVERITY_ERROR = 17;
    private static final long METRIC_SALT = 0x6D6574726963L;
    private static final long SATURATION_LATENCY_KNEE = 20;
    private static final double GC_PAUSE_MEDIAN_US = 150_000;

    private final SimulatorConfig config;

    public TelemetrySimulator(SimulatorConfig config) {
        this.config = config;
    }

    public SimulatorConfig config() {
        return config;
    }

    /** The incidents this run injects, labelled with the services they reach. */
    public GroundTruth groundTruth() {
        return GroundTruth.of(config);
    }

    /**
     * Generates the whole configured interval into the sink and returns the counts. If the
     * calling thread is interrupted, stops at the next event-time second, leaves the interrupt
     * flag set and returns a result with {@code completed == false}.
     */
    public SimulationResult run(TelemetrySink sink) {
        return new Run(config, sink).execute();
    }

    /** Own-latency multiplier of a service under SATURATION of this level. */
    static double saturationLatencyFactor(double level) {
        return 1 + SATURATION_LATENCY_KNEE * Math.max(0, level - 0.8);
    }

    /** Probability that a request meets a garbage-collection pause at this memory utilization. */
    static double gcPauseProbability(double memory) {
        return Math.max(0, Math.min(1, 2 * (memory - 0.85)));
    }

    /** Probability that a request fails with an OutOfMemoryError at this memory utilization. */
    static double outOfMemoryProbability(double memory) {
        return Math.max(0, Math.min(1, 4 * (memory - 0.95)));
    }

    /** Fraction of a service's requests that time out under SATURATION of this level. */
    static double saturationTimeoutProbability(double level) {
        return Math.max(0, level - 0.9);
    }

    /** One run's mutable state. */
    private static final class Run {
        private final SimulatorConfig cfg;
        private final TelemetrySink sink;
        private final TrafficShape shape;
        private final PriorityQueue<Pending> queue = new PriorityQueue<>(
                Comparator.comparingLong((Pending p) -> p.at).thenComparingLong(p -> p.seq));
        private final Map<String, ServiceState> states = new LinkedHashMap<>();
        private final OpNode[] entries;
        private final double[] entryCumulative;
        private final long jitterBound;
        private long seq;
        private SplittableRandom current;
        private double loadRatio;
        private long requests;
        private long spans;
        private long metrics;
        private long logs;
        private long malformed;

        Run(SimulatorConfig cfg, TelemetrySink sink) {
            this.cfg = cfg;
            this.sink = sink;
            this.shape = TrafficShape.of(cfg);
            this.jitterBound = cfg.maxOutOfOrdernessMs() + 1;
            Topology topo = cfg.topology();
            for (String name : topo.serviceNames()) {
                states.put(name, new ServiceState(topo.service(name)));
            }
            for (Incident i : cfg.incidents()) {
                states.get(i.service()).incidents.add(i);
            }
            Map<Topology.Operation, OpNode> compiled = new IdentityHashMap<>();
            List<Topology.Entry> es = topo.entries();
            entries = new OpNode[es.size()];
            entryCumulative = new double[es.size()];
            double total = es.stream().mapToDouble(Topology.Entry::weight).sum();
            double acc = 0;
            for (int k = 0; k < es.size(); k++) {
                entries[k] = compile(es.get(k).operation(), compiled);
                acc += es.get(k).weight() / total;
                entryCumulative[k] = acc;
                accumulateVisits(es.get(k).operation(), es.get(k).weight() / total);
            }
            entryCumulative[es.size() - 1] = 1.0;
            double perInterval = cfg.baseRequestRate() * cfg.metricIntervalMs() / 1000.0;
            for (ServiceState st : states.values()) {
                st.expectedPerInterval = st.visitsPerRequest * perInterval;
                st.memory = st.spec.memoryMean();
                if (st.spec.hasConnectionPool()) {
                    st.poolBackend = states.get(st.spec.poolBackend());
                }
            }
        }

        private OpNode compile(Topology.Operation op, Map<Topology.Operation, OpNode> compiled) {
            OpNode existing = compiled.get(op);
            if (existing != null) {
                return existing;
            }
            ServiceState st = states.get(op.service());
            List<Topology.Call> calls = op.calls();
            OpNode[] targets = new OpNode[calls.size()];
            double[] probs = new double[calls.size()];
            for (int k = 0; k < calls.size(); k++) {
                targets[k] = compile(calls.get(k).target(), compiled);
                probs[k] = calls.get(k).probability();
            }
            OpNode node = new OpNode(op, st, targets, probs);
            compiled.put(op, node);
            return node;
        }

        private void accumulateVisits(Topology.Operation op, double factor) {
            states.get(op.service()).visitsPerRequest += factor;
            for (Topology.Call c : op.calls()) {
                accumulateVisits(c.target(), factor * c.probability());
            }
        }

        SimulationResult execute() {
            long wallStart = System.nanoTime();
            long start = cfg.startMs();
            long seconds = cfg.duration().toMillis() / 1000;
            long metricEverySeconds = cfg.metricIntervalMs() / 1000;
            List<MalformedRecord> bad = MalformedRecords.generate(cfg.seed(), cfg.badRecordCount(), start, cfg.endMs(),
                    cfg.topology().serviceNames());
            int nextBad = 0;
            boolean completed = true;
            int[] offsets = new int[64];
            for (long i = 0; i < seconds; i++) {
                if (Thread.currentThread().isInterrupted()) {
                    completed = false;
                    break;
                }
                long secStart = start + i * 1000;
                long secEnd = secStart + 1000;
                SplittableRandom r = new SplittableRandom(Rand.mix(cfg.seed(), i));
                current = r;
                loadRatio = shape.loadRatioAt(secStart);
                int n = Rand.poisson(r, shape.noisyRateAt(secStart));
                if (offsets.length < n) {
                    offsets = new int[Math.max(n, offsets.length * 2)];
                }
                for (int k = 0; k < n; k++) {
                    offsets[k] = r.nextInt(1_000_000);
                }
                Arrays.sort(offsets, 0, n);
                for (int k = 0; k < n; k++) {
                    long startUs = secStart * 1000 + offsets[k];
                    OpNode entry = pickEntry(r.nextDouble());
                    requests++;
                    serve(entry, Rand.traceId(r), null, startUs, r);
                }
                while (nextBad < bad.size() && bad.get(nextBad).timestampMs() < secEnd) {
                    MalformedRecord m = bad.get(nextBad++);
                    push(m.timestampMs(), r, m);
                }
                if ((i + 1) % metricEverySeconds == 0) {
                    sampleGauges(secEnd, (i + 1) / metricEverySeconds, r);
                }
                drain(secEnd);
                sink.secondDone(secEnd);
                if (cfg.speedFactor() > 0 && !pace(wallStart, i + 1)) {
                    completed = false;
                    break;
                }
            }
            if (completed) {
                drain(Long.MAX_VALUE);
            }
            return new SimulationResult(requests, spans, metrics, logs, malformed, System.nanoTime() - wallStart, completed);
        }

        private boolean pace(long wallStart, long secondsDone) {
            long target = wallStart + (long) (secondsDone * 1e9 / cfg.speedFactor());
            long wait = target - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }

        private OpNode pickEntry(double u) {
            for (int k = 0; k < entryCumulative.length; k++) {
                if (u < entryCumulative[k]) {
                    return entries[k];
                }
            }
            return entries[entries.length - 1];
        }

        /** Serves one request at {@code node}: emits its SERVER span, its calls, its logs. */
        private Outcome serve(OpNode node, String traceId, String parentSpanId, long startUs, SplittableRandom r) {
            ServiceState st = node.state;
            st.requests++;
            long startMs = startUs / 1000;
            String spanId = Rand.spanId(r);
            double mult = 1 + 0.15 * (loadRatio - 1);
            double errP = cfg.baselineErrorRate();
            double timeoutP = 0;
            double silentP = 0;
            double memory = 0;
            for (int k = 0; k < st.incidents.size(); k++) {
                Incident inc = st.incidents.get(k);
                if (!inc.activeAt(startMs)) {
                    continue;
                }
                switch (inc.kind()) {
                    case LATENCY -> mult *= inc.magnitude();
                    case ERROR_BURST -> errP = 1 - (1 - errP) * (1 - inc.magnitude());
                    case SATURATION -> {
                        mult *= saturationLatencyFactor(inc.magnitude());
                        timeoutP = Math.max(timeoutP, saturationTimeoutProbability(inc.magnitude()));
                    }
                    case SILENT_FAULT -> silentP = 1 - (1 - silentP) * (1 - inc.magnitude());
                    case MEMORY_PRESSURE -> memory = Math.max(memory, inc.memoryAt(startMs, st.spec.memoryMean()));
                    case NETWORK_DELAY -> {
                        // in front of the service: its callers' client spans carry it (see call)
                    }
                    default -> throw new IllegalStateException("unhandled kind " + inc.kind());
                }
            }
            double ownUs = Rand.logNormal(r, node.op.medianMs() * 1000, node.op.sigma());
            if (cfg.tailProbability() > 0 && r.nextDouble() < cfg.tailProbability()) {
                ownUs *= Rand.pareto(r, 2.0, 1.5, 50.0);
            }
            if (memory > 0 && r.nextDouble() < gcPauseProbability(memory)) {
                ownUs += Rand.logNormal(r, GC_PAUSE_MEDIAN_US, 0.5);
            }
            long own = Math.max(1, Math.round(ownUs * mult));
            boolean http = node.op.http();

            if (memory > 0 && r.nextDouble() < outOfMemoryProbability(memory)) {
                emitSpan(traceId, spanId, parentSpanId, node, SpanKind.SERVER, startUs, own, true, http ? 503 : 0,
                        node.serverAttributes);
                emitLog(startUs + own, SEVERITY_ERROR, LogTemplates.outOfMemory(node.op, r), st.spec.name(), traceId, spanId, r);
                return new Outcome(startUs + own, own, true, http ? 503 : 0);
            }

            if (timeoutP > 0 && r.nextDouble() < timeoutP) {
                long dur = cfg.timeoutMs() * 1000 + r.nextInt(1000);
                emitSpan(traceId, spanId, parentSpanId, node, SpanKind.SERVER, startUs, dur, true, http ? 503 : 0,
                        node.serverAttributes);
                emitLog(startUs + dur, SEVERITY_ERROR, LogTemplates.timeout(st.spec.hasConnectionPool(), cfg.timeoutMs(), r),
                        st.spec.name(), traceId, spanId, r);
                return new Outcome(startUs + dur, dur, true, http ? 503 : 0);
            }
            if (errP > 0 && r.nextDouble() < errP) {
                int code = http ? (r.nextDouble() < 0.7 ? 500 : 503) : 0;
                emitSpan(traceId, spanId, parentSpanId, node, SpanKind.SERVER, startUs, own, true, code, node.serverAttributes);
                if (cfg.ownErrorLogs()) {
                    emitLog(startUs + own, SEVERITY_ERROR, LogTemplates.ownError(st.spec.name(), node.op, r, own / 1000),
                            st.spec.name(), traceId, spanId, r);
                }
                return new Outcome(startUs + own, own, true, code);
            }

            long pre = own * 3 / 10;
            long cursor = startUs + pre;
            Outcome failed = null;
            OpNode failedTarget = null;
            for (int k = 0; k < node.calls.length; k++) {
                if (node.probs[k] < 1 && r.nextDouble() >= node.probs[k]) {
                    continue;
                }
                OpNode target = node.calls[k];
                Outcome o = call(node, target, traceId, spanId, cursor, false, r);
                cursor = o.endUs;
                if (o.error) {
                    if (r.nextDouble() < cfg.errorPropagation()) {
                        failed = o;
                        failedTarget = target;
                        break;
                    }
                    emitLog(cursor, SEVERITY_WARN, LogTemplates.retry(target.op, o.status), st.spec.name(), traceId, spanId, r);
                    Outcome retry = call(node, target, traceId, spanId, cursor, true, r);
                    cursor = retry.endUs;
                    if (retry.error) {
                        failed = retry;
                        failedTarget = target;
                        break;
                    }
                }
            }
            if (failed != null) {
                long end = cursor + Math.max(1, (own - pre) / 5);
                int code = http ? 502 : 0;
                emitSpan(traceId, spanId, parentSpanId, node, SpanKind.SERVER, startUs, end - startUs, true, code,
                        node.serverAttributes);
                emitLog(end, SEVERITY_ERROR, LogTemplates.propagated(node.op, failedTarget.op, failed.status,
                        failed.durationUs / 1000), st.spec.name(), traceId, spanId, r);
                return new Outcome(end, end - startUs, true, code);
            }
            long end = cursor + (own - pre);
            long dur = end - startUs;
            int code = http ? 200 : 0;
            emitSpan(traceId, spanId, parentSpanId, node, SpanKind.SERVER, startUs, dur, false, code, node.serverAttributes);
            if (silentP > 0 && r.nextDouble() < silentP) {
                emitLog(end, SEVERITY_ERROR, LogTemplates.wrongResult(st.spec.name(), node.op, r), st.spec.name(),
                        traceId, spanId, r);
            }
            if (cfg.infoLogFraction() > 0 && r.nextDouble() < cfg.infoLogFraction()) {
                String body = LogTemplates.info(st.spec.name(), node.op, r, dur / 1000, code);
                if (body != null) {
                    emitLog(end, SEVERITY_INFO, body, st.spec.name(), traceId, spanId, r);
                }
            }
            if (!http && own >= 100_000) {
                emitLog(end, SEVERITY_WARN, LogTemplates.slowQuery(node.op, own / 1000, r), st.spec.name(), traceId, spanId, r);
            }
            return new Outcome(end, dur, false, code);
        }

        /** One CLIENT span from {@code caller} to {@code target}, wrapping the callee's SERVER span. */
        private Outcome call(OpNode caller, OpNode target, String traceId, String callerSpanId, long startUs, boolean resend,
                SplittableRandom r) {
            String clientSpanId = Rand.spanId(r);
            long net = Math.max(20, Math.round(Rand.logNormal(r, 400, 0.5)));
            long delayUs = 0;
            for (Incident inc : target.state.incidents) {
                if (inc.kind() == IncidentKind.NETWORK_DELAY && inc.activeAt(startUs / 1000)) {
                    delayUs += Math.round(inc.magnitude() * 1000);
                }
            }
            net += delayUs;
            Outcome server = serve(target, traceId, clientSpanId, startUs + net / 2, r);
            long end = server.endUs + (net - net / 2);
            long dur = end - startUs;
            emitSpan(traceId, clientSpanId, callerSpanId, caller, target, startUs, dur, server.error, server.status,
                    resend ? target.clientResendAttributes : target.clientAttributes);
            return new Outcome(end, dur, server.error, server.status);
        }

        private void emitSpan(String traceId, String spanId, String parent, OpNode node, SpanKind kind, long startUs,
                long durUs, boolean error, int httpStatus, Map<String, String> attrs) {
            Span s = new Span(traceId, spanId, parent, node.state.spec.name(), node.op.name(), kind, startUs / 1000, durUs,
                    error && cfg.spanStatus() && node.state.spec.setsSpanStatus() ? StatusCode.ERROR : StatusCode.UNSET,
                    httpStatus > 0 && cfg.statusCodes() ? httpStatus : null, attrs);
            pushSpan(s);
        }

        private void emitSpan(String traceId, String spanId, String parent, OpNode caller, OpNode target, long startUs,
                long durUs, boolean error, int httpStatus, Map<String, String> attrs) {
            Span s = new Span(traceId, spanId, parent, caller.state.spec.name(), target.op.name(), SpanKind.CLIENT,
                    startUs / 1000, durUs, error && cfg.spanStatus() && caller.state.spec.setsSpanStatus()
                            ? StatusCode.ERROR : StatusCode.UNSET,
                    httpStatus > 0 && cfg.statusCodes() ? httpStatus : null, attrs);
            pushSpan(s);
        }

        private void pushSpan(Span s) {
            queue.add(new Pending(s.getStartTimeMs() + jitter(), seq++, s));
        }

        private void emitLog(long timeUs, int severity, String body, String service, String traceId, String spanId,
                SplittableRandom r) {
            if (!states.get(service).spec.sendsLogs()) {
                return;
            }
            long t = timeUs / 1000;
            String text = severity >= SEVERITY_ERROR ? "ERROR" : severity >= SEVERITY_WARN ? "WARN" : "INFO";
            LogRecord l = new LogRecord(service, t, severity, text, body, traceId, spanId, Map.of());
            push(t, r, l);
        }

        private void push(long eventTimeMs, SplittableRandom r, Object record) {
            queue.add(new Pending(eventTimeMs + r.nextLong(jitterBound), seq++, record));
        }

        private long jitter() {
            return current.nextLong(jitterBound);
        }

        private void sampleGauges(long t, long sampleIndex, SplittableRandom r) {
            SplittableRandom m = new SplittableRandom(Rand.mix(cfg.seed() ^ METRIC_SALT, sampleIndex));
            long intervalStart = t - cfg.metricIntervalMs();
            for (ServiceState st : states.values()) {
                Topology.Service spec = st.spec;
                double load = st.expectedPerInterval > 0 ? st.requests / st.expectedPerInterval : 0;
                double saturation = 0;
                double pressure = 0;
                for (Incident inc : st.incidents) {
                    if (inc.kind() == IncidentKind.SATURATION && inc.startMs() < t && inc.endMs() > intervalStart) {
                        saturation = Math.max(saturation, inc.magnitude());
                    }
                    if (inc.kind() == IncidentKind.MEMORY_PRESSURE && inc.startMs() < t && inc.endMs() > intervalStart) {
                        pressure = Math.max(pressure, inc.memoryAt(Math.min(t, inc.endMs()) - 1, spec.memoryMean()));
                    }
                }
                double cpu = spec.cpuIdle() + (spec.cpuAtMeanLoad() - spec.cpuIdle()) * load + 0.015 * m.nextGaussian();
                if (saturation > 0) {
                    cpu = Math.max(cpu, saturation + 0.01 * m.nextGaussian());
                }
                st.memory += 0.1 * (spec.memoryMean() - st.memory) + 0.01 * m.nextGaussian();
                st.memory = clamp(st.memory);
                double memory = st.memory;
                if (pressure > 0) {
                    memory = clamp(Math.max(memory, pressure + 0.005 * m.nextGaussian()));
                    cpu += 0.5 * Math.max(0, memory - 0.8);
                }
                emitMetric(st, CPU, t, clamp(cpu), r);
                emitMetric(st, MEMORY, t, memory, r);
                if (spec.hasConnectionPool()) {
                    double backendSlowdown = st.poolBackend.latencyMultiplierDuring(intervalStart, t);
                    double pool = 0.08 + 0.25 * load * backendSlowdown + 0.02 * m.nextGaussian();
                    if (saturation > 0) {
                        pool = Math.max(pool, saturation + 0.01 * m.nextGaussian());
                    }
                    emitMetric(st, POOL, t, clamp(pool), r);
                }
                st.requests = 0;
            }
        }

        private void emitMetric(ServiceState st, String name, long t, double value, SplittableRandom r) {
            push(t, r, MetricPoint.newBuilder().setServiceName(st.spec.name()).setName(name).setTimeMs(t)
                    .setValue(value).setUnit("1").setAttributes(Map.of()).build());
        }

        private void drain(long before) {
            while (!queue.isEmpty() && queue.peek().at < before) {
                Object rec = queue.poll().record;
                if (rec instanceof Span s) {
                    spans++;
                    sink.span(s);
                } else if (rec instanceof LogRecord l) {
                    logs++;
                    sink.log(l);
                } else if (rec instanceof MetricPoint m) {
                    metrics++;
                    sink.metric(m);
                } else if (rec instanceof MalformedRecord b) {
                    malformed++;
                    sink.malformed(b);
                } else {
                    throw new IllegalStateException("unexpected queued record " + rec.getClass());
                }
            }
        }

    }

    private static double clamp(double v) {
        return Math.max(0.0, Math.min(1.0, v));
    }

    /** A compiled operation: its service state, callees and precomputed span attributes. */
    private static final class OpNode {
        final Topology.Operation op;
        final ServiceState state;
        final OpNode[] calls;
        final double[] probs;
        final Map<String, String> serverAttributes;
        final Map<String, String> clientAttributes;
        final Map<String, String> clientResendAttributes;

        OpNode(Topology.Operation op, ServiceState state, OpNode[] calls, double[] probs) {
            this.op = op;
            this.state = state;
            this.calls = calls;
            this.probs = probs;
            if (op.http()) {
                serverAttributes = Map.of("http.request.method", op.method(), "http.route", op.target());
                clientAttributes = Map.of("peer.service", op.service(), "http.request.method", op.method());
                clientResendAttributes = Map.of("peer.service", op.service(), "http.request.method", op.method(),
                        "http.request.resend_count", "1");
            } else {
                serverAttributes = Map.of("db.operation.name", op.method(), "db.collection.name", op.target());
                clientAttributes = Map.of("peer.service", op.service(), "db.operation.name", op.method());
                clientResendAttributes = Map.of("peer.service", op.service(), "db.operation.name", op.method(),
                        "retry.attempt", "2");
            }
        }
    }

    /** Per-service counters and gauge state of one run. */
    private static final class ServiceState {
        final Topology.Service spec;
        final List<Incident> incidents = new ArrayList<>();
        ServiceState poolBackend;
        double visitsPerRequest;
        double expectedPerInterval;
        double memory;
        long requests;

        ServiceState(Topology.Service spec) {
            this.spec = spec;
        }

        /** The largest own-latency multiplier of this service's incidents overlapping [from, to). */
        double latencyMultiplierDuring(long from, long to) {
            double m = 1;
            for (Incident inc : incidents) {
                if (inc.startMs() < to && inc.endMs() > from) {
                    if (inc.kind() == IncidentKind.LATENCY) {
                        m = Math.max(m, inc.magnitude());
                    } else if (inc.kind() == IncidentKind.SATURATION) {
                        m = Math.max(m, saturationLatencyFactor(inc.magnitude()));
                    }
                }
            }
            return m;
        }
    }

    private record Outcome(long endUs, long durationUs, boolean error, int status) {
    }

    private static final class Pending {
        final long at;
        final long seq;
        final Object record;

        Pending(long at, long seq, Object record) {
            this.at = at;
            this.seq = seq;
            this.record = record;
        }
    }
}
