package io.auspex.infra.sim;

import static io.auspex.infra.sim.SimFixtures.minutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auspex.schemas.Span;
import io.auspex.schemas.SpanKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Traces are well-formed OTel span trees that follow the topology. */
class SpanTreeTest {

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");

    private static final Topology TOPOLOGY = Topology.standard();
    private static InMemorySink sink;
    private static Map<String, List<Span>> traces;

    @BeforeAll
    static void simulate() {
        // errors on, so failed and retried calls are part of the trees too
        sink = SimFixtures.run(minutes(10).seed(7).baselineErrorRate(0.01).build());
        traces = new HashMap<>();
        for (Span s : sink.spans()) {
            traces.computeIfAbsent(s.getTraceId(), k -> new ArrayList<>()).add(s);
        }
    }

    @Test
    void standardTopologyHasNineServicesAndTheDocumentedEdges() {
        assertEquals(List.of("frontend", "auth", "catalog", "checkout", "payment", "inventory", "shipping", "cache",
                "database"), TOPOLOGY.serviceNames());
        assertEquals(List.of("frontend->auth", "frontend->catalog", "frontend->checkout", "auth->cache", "catalog->cache",
                "catalog->database", "checkout->inventory", "checkout->payment", "checkout->shipping",
                "payment->database", "inventory->database"), TOPOLOGY.edges());
        assertEquals(Set.of("payment", "checkout", "frontend"), TOPOLOGY.upstreamOf("payment"));
        assertEquals(List.of("catalog", "payment", "inventory"), TOPOLOGY.serviceNames().stream()
                .filter(s -> TOPOLOGY.service(s).hasConnectionPool()).toList());
        Topology.Operation leaf = new Topology.Operation("b", "GET /x", 1.0, 0.1, true, List.of());
        Topology.Operation root = new Topology.Operation("a", "GET /", 1.0, 0.1, true, List.of(new Topology.Call(leaf, 1.0)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Topology(
                List.of(new Topology.Entry(root, 1.0)),
                List.of(new Topology.Service("a", 0.1, 0.2, 0.5, "c"), new Topology.Service("b", 0.1, 0.2, 0.5, null),
                        new Topology.Service("c", 0.1, 0.2, 0.5, null))),
                "a pool backend must be a callee");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Topology(
                List.of(new Topology.Entry(root, 1.0)), List.of(new Topology.Service("a", 0.1, 0.2, 0.5, null))),
                "every called service must be listed");
        List<Topology.Call> calls = new java.util.ArrayList<>();
        Topology.Operation a = new Topology.Operation("a", "GET /a", 1.0, 0.1, true, calls);
        Topology.Operation b = new Topology.Operation("b", "GET /b", 1.0, 0.1, true, List.of(new Topology.Call(a, 1.0)));
        Topology.Operation entry = new Topology.Operation("a", "GET /", 1.0, 0.1, true, List.of(new Topology.Call(b, 1.0)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Topology(
                List.of(new Topology.Entry(entry, 1.0)),
                List.of(new Topology.Service("a", 0.1, 0.2, 0.5, null), new Topology.Service("b", 0.1, 0.2, 0.5, null))),
                "a -> b -> a is a cycle");
    }

    @Test
    void everyTraceHasOneFrontendRootAndEveryParentExistsInTheSameTrace() {
        assertTrue(traces.size() > 5_000, "traces: " + traces.size());
        Set<String> entryRoutes = new HashSet<>();
        TOPOLOGY.entries().forEach(e -> entryRoutes.add(e.operation().name()));
        Set<String> allSpanIds = new HashSet<>();
        for (List<Span> trace : traces.values()) {
            Map<String, Span> byId = new HashMap<>();
            for (Span s : trace) {
                assertTrue(TRACE_ID.matcher(s.getTraceId()).matches(), s.getTraceId());
                assertTrue(SPAN_ID.matcher(s.getSpanId()).matches(), s.getSpanId());
                assertNull(byId.put(s.getSpanId(), s), "duplicate span id in trace");
                assertTrue(allSpanIds.add(s.getSpanId()), "span id reused across traces");
            }
            List<Span> roots = trace.stream().filter(s -> s.getParentSpanId() == null).toList();
            assertEquals(1, roots.size(), "roots per trace");
            Span root = roots.get(0);
            assertEquals("frontend", root.getServiceName());
            assertEquals(SpanKind.SERVER, root.getKind());
            assertTrue(entryRoutes.contains(root.getName()), root.getName());
            for (Span s : trace) {
                if (s != root) {
                    assertNotNull(byId.get(s.getParentSpanId()), "parent of " + s.getSpanId() + " missing");
                }
            }
        }
    }

    @Test
    void calleeServerSpanHangsUnderCallerClientSpanAlongTopologyEdges() {
        Set<String> seenEdges = new TreeSet<>();
        for (List<Span> trace : traces.values()) {
            Map<String, Span> byId = new HashMap<>();
            trace.forEach(s -> byId.put(s.getSpanId(), s));
            for (Span s : trace) {
                if (s.getParentSpanId() == null) {
                    continue;
                }
                Span parent = byId.get(s.getParentSpanId());
                long parentEndUs = parent.getStartTimeMs() * 1000 + parent.getDurationUs();
                long endUs = s.getStartTimeMs() * 1000 + s.getDurationUs();
                assertTrue(s.getStartTimeMs() >= parent.getStartTimeMs(), "child starts before parent");
                // start times are truncated to ms, so allow 1 ms of slack on the end
                assertTrue(endUs <= parentEndUs + 1000, "child ends after parent");
                if (s.getKind() == SpanKind.SERVER) {
                    assertEquals(SpanKind.CLIENT, parent.getKind(), "a non-root SERVER span's parent is a CLIENT span");
                    assertEquals(s.getName(), parent.getName());
                    assertEquals(s.getServiceName(), parent.getAttributes().get("peer.service"));
                    assertTrue(TOPOLOGY.callers(s.getServiceName()).contains(parent.getServiceName()),
                            parent.getServiceName() + " does not call " + s.getServiceName());
                    assertEquals(parent.getStatusCode(), s.getStatusCode(), "client status mirrors the callee");
                    assertEquals(parent.getHttpStatusCode(), s.getHttpStatusCode());
                    seenEdges.add(parent.getServiceName() + "->" + s.getServiceName());
                } else {
                    assertEquals(SpanKind.CLIENT, s.getKind());
                    assertEquals(SpanKind.SERVER, parent.getKind(), "a CLIENT span's parent is its service's SERVER span");
                    assertEquals(parent.getServiceName(), s.getServiceName());
                }
            }
        }
        assertEquals(new TreeSet<>(TOPOLOGY.edges()), seenEdges, "every edge is exercised");
    }

    @Test
    void everyClientSpanHasExactlyOneServerChild() {
        Map<String, Integer> children = new HashMap<>();
        for (Span s : sink.spans()) {
            if (s.getKind() == SpanKind.SERVER && s.getParentSpanId() != null) {
                children.merge(s.getParentSpanId(), 1, Integer::sum);
            }
        }
        long clients = 0;
        for (Span s : sink.spans()) {
            if (s.getKind() == SpanKind.CLIENT) {
                clients++;
                assertEquals(1, children.getOrDefault(s.getSpanId(), 0));
            }
        }
        assertEquals(clients, children.size());
    }

    @Test
    void httpStatusFollowsSpanStatus() {
        for (Span s : sink.spans()) {
            boolean statement = s.getServiceName().equals("database") || s.getServiceName().equals("cache")
                    || s.getAttributes().containsKey("db.operation.name");
            if (statement) {
                assertNull(s.getHttpStatusCode(), "database and cache spans carry no HTTP status");
            } else if (SimFixtures.isError(s)) {
                assertTrue(s.getHttpStatusCode() >= 500, "error span with " + s.getHttpStatusCode());
            } else {
                assertEquals(200, s.getHttpStatusCode());
            }
        }
    }
}
