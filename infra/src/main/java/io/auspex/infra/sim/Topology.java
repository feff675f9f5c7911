package io.auspex.infra.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The simulated microservice system: services, the operations each one serves, and the calls
 * each operation makes downstream. Immutable.
 *
 * <p>The {@link #standard()} topology (see docs/simulator.md):
 *
 * <pre>
 * frontend ─┬─> auth ──────────────> cache
 *           ├─> catalog ─┬─────────> cache
 *           │            └─────────> database
 *           └─> checkout ─┬─> payment ───> database
 *                         ├─> inventory ─> database
 *                         └─> shipping
 * </pre>
 */
public final class Topology {

    /** A downstream call made by an operation, with the probability that a request makes it. */
    public record Call(Operation target, double probability) {
        public Call {
            Objects.requireNonNull(target, "target");
            if (!(probability > 0 && probability <= 1)) {
                throw new IllegalArgumentException("call probability must be in (0, 1], was " + probability);
            }
        }
    }

    /**
     * One operation (route or statement) a service serves.
     *
     * @param service the serving service
     * @param name span name, e.g. {@code POST /charge} or {@code SELECT stock}
     * @param medianMs median of the operation's own latency (log-normal), downstream time excluded
     * @param sigma log-normal shape (standard deviation of the log)
     * @param http whether the operation is an HTTP route (spans carry an HTTP status code) or a
     *     database/cache statement (no HTTP status)
     * @param calls downstream calls, made one after another in this order
     */
    public record Operation(String service, String name, double medianMs, double sigma, boolean http, List<Call> calls) {
        public Operation {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(name, "name");
            if (!(medianMs > 0) || !(sigma >= 0)) {
                throw new IllegalArgumentException("bad latency parameters for " + service + " " + name);
            }
            calls = List.copyOf(calls);
        }

        /** The HTTP method of an HTTP route ({@code GET} for {@code GET /cart}), else the statement verb. */
        public String method() {
            int space = name.indexOf(' ');
            return space < 0 ? name : name.substring(0, space);
        }

        /** The route or collection ({@code /cart} for {@code GET /cart}). */
        public String target() {
            int space = name.indexOf(' ');
            return space < 0 ? "" : name.substring(space + 1);
        }
    }

    /** A root operation of the entry service and the share of incoming requests it receives. */
    public record Entry(Operation operation, double weight) {
        public Entry {
            Objects.requireNonNull(operation, "operation");
            if (!(weight > 0)) {
                throw new IllegalArgumentException("entry weight must be > 0, was " + weight);
            }
        }
    }

    /**
     * Per-service facts the gauges need.
     *
     * @param name service name
     * @param cpuIdle CPU utilization with no load
     * @param cpuAtMeanLoad CPU utilization at the mean request rate
     * @param memoryMean long-run mean of memory utilization
     * @param poolBackend the service this one holds a connection pool to (emits
     *     {@code db.client.connection.pool.utilization}; its slowdowns fill the pool), or
     *     {@code null} for none
     */
    public record Service(String name, double cpuIdle, double cpuAtMeanLoad, double memoryMean, String poolBackend) {
        public Service {
            Objects.requireNonNull(name, "name");
        }

        /** Whether the service holds a connection pool. */
        public boolean hasConnectionPool() {
            return poolBackend != null;
        }
    }

    private final String entryService;
    private final List<Entry> entries;
    private final Map<String, Service> services;
    private final Map<String, Set<String>> callees;
    private final Map<String, Set<String>> callers;

    /**
     * Builds a topology from its entry operations (all served by the same service) and the
     * services' gauge facts. Every service reachable from an entry must be listed.
     */
    public Topology(List<Entry> entries, List<Service> services) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a topology needs at least one entry operation");
        }
        this.entries = List.copyOf(entries);
        this.entryService = entries.get(0).operation().service();
        Map<String, Service> byName = new LinkedHashMap<>();
        for (Service s : services) {
            if (byName.put(s.name(), s) != null) {
                throw new IllegalArgumentException("service listed twice: " + s.name());
            }
        }
        this.services = Collections.unmodifiableMap(byName);
        Map<String, Set<String>> down = new LinkedHashMap<>();
        Map<String, Set<String>> up = new LinkedHashMap<>();
        for (String s : byName.keySet()) {
            down.put(s, new TreeSet<>());
            up.put(s, new TreeSet<>());
        }
        Deque<Operation> todo = new ArrayDeque<>();
        for (Entry e : entries) {
            if (!e.operation().service().equals(entryService)) {
                throw new IllegalArgumentException("all entry operations must belong to " + entryService);
            }
            requireAcyclic(e.operation(), new ArrayDeque<>());
            todo.add(e.operation());
        }
        while (!todo.isEmpty()) {
            Operation op = todo.poll();
            requireService(byName, op.service());
            for (Call c : op.calls()) {
                String callee = c.target().service();
                requireService(byName, callee);
                if (callee.equals(op.service())) {
                    throw new IllegalArgumentException("service calls itself: " + callee);
                }
                down.get(op.service()).add(callee);
                up.get(callee).add(op.service());
                todo.add(c.target());
            }
        }
        for (Service s : byName.values()) {
            if (s.hasConnectionPool() && !down.get(s.name()).contains(s.poolBackend())) {
                throw new IllegalArgumentException(s.name() + " pools connections to " + s.poolBackend()
                        + " but does not call it");
            }
        }
        Map<String, Set<String>> downFrozen = new LinkedHashMap<>();
        Map<String, Set<String>> upFrozen = new LinkedHashMap<>();
        down.forEach((k, v) -> downFrozen.put(k, Collections.unmodifiableSet(v)));
        up.forEach((k, v) -> upFrozen.put(k, Collections.unmodifiableSet(v)));
        this.callees = Collections.unmodifiableMap(downFrozen);
        this.callers = Collections.unmodifiableMap(upFrozen);
    }

    /** Rejects call cycles between services (a request would never end). */
    private static void requireAcyclic(Operation op, Deque<String> path) {
        if (path.contains(op.service())) {
            throw new IllegalArgumentException("call cycle: " + String.join(" -> ", path) + " -> " + op.service());
        }
        path.addLast(op.service());
        for (Call c : op.calls()) {
            requireAcyclic(c.target(), path);
        }
        path.removeLast();
    }

    private static void requireService(Map<String, Service> byName, String name) {
        if (!byName.containsKey(name)) {
            throw new IllegalArgumentException("operation of unknown service " + name);
        }
    }

    /** The nine-service shop described in the class comment and in docs/simulator.md. */
    public static Topology standard() {
        Operation cacheSession = leafCache("GET session");
        Operation cacheProduct = leafCache("GET product");
        Operation cacheProducts = leafCache("GET products");
        Operation selectProducts = db("SELECT products", 4.0);
        Operation selectStock = db("SELECT stock", 2.5);
        Operation updateStock = db("UPDATE stock", 4.0);
        Operation insertPayment = db("INSERT payments", 5.0);

        Operation verify = new Operation("auth", "POST /verify", 3.0, 0.4, true,
                List.of(new Call(cacheSession, 1.0)));
        Operation listProducts = new Operation("catalog", "GET /products", 6.0, 0.5, true,
                List.of(new Call(cacheProducts, 1.0), new Call(selectProducts, 0.2)));
        Operation getProduct = new Operation("catalog", "GET /product", 5.0, 0.5, true,
                List.of(new Call(cacheProduct, 1.0), new Call(selectProducts, 0.3)));
        Operation getStock = new Operation("inventory", "GET /stock", 4.0, 0.4, true,
                List.of(new Call(selectStock, 1.0)));
        Operation reserve = new Operation("inventory", "POST /reserve", 6.0, 0.4, true,
                List.of(new Call(updateStock, 1.0)));
        Operation charge = new Operation("payment", "POST /charge", 40.0, 0.6, true,
                List.of(new Call(insertPayment, 1.0)));
        Operation quote = new Operation("shipping", "POST /quote", 15.0, 0.5, true, List.of());
        Operation getCart = new Operation("checkout", "GET /cart", 6.0, 0.5, true,
                List.of(new Call(getStock, 1.0)));
        Operation placeOrder = new Operation("checkout", "POST /checkout", 10.0, 0.5, true,
                List.of(new Call(reserve, 1.0), new Call(charge, 1.0), new Call(quote, 1.0)));

        Operation home = new Operation("frontend", "GET /", 8.0, 0.5, true,
                List.of(new Call(listProducts, 1.0)));
        Operation product = new Operation("frontend", "GET /product", 8.0, 0.5, true,
                List.of(new Call(getProduct, 1.0)));
        Operation cart = new Operation("frontend", "GET /cart", 8.0, 0.5, true,
                List.of(new Call(verify, 1.0), new Call(getCart, 1.0)));
        Operation checkout = new Operation("frontend", "POST /checkout", 10.0, 0.5, true,
                List.of(new Call(verify, 1.0), new Call(placeOrder, 1.0)));

        return new Topology(
                List.of(new Entry(home, 0.30), new Entry(product, 0.35), new Entry(cart, 0.20), new Entry(checkout, 0.15)),
                List.of(
                        new Service("frontend", 0.06, 0.35, 0.55, null),
                        new Service("auth", 0.04, 0.20, 0.40, null),
                        new Service("catalog", 0.05, 0.30, 0.60, "database"),
                        new Service("checkout", 0.05, 0.25, 0.50, null),
                        new Service("payment", 0.04, 0.20, 0.45, "database"),
                        new Service("inventory", 0.04, 0.22, 0.50, "database"),
                        new Service("shipping", 0.03, 0.15, 0.35, null),
                        new Service("cache", 0.03, 0.25, 0.70, null),
                        new Service("database", 0.08, 0.40, 0.75, null)));
    }

    private static Operation leafCache(String name) {
        return new Operation("cache", name, 0.4, 0.3, false, List.of());
    }

    private static Operation db(String name, double medianMs) {
        return new Operation("database", name, medianMs, 0.6, false, List.of());
    }

    /** The service that receives external traffic (root spans). */
    public String entryService() {
        return entryService;
    }

    /** Entry operations with their traffic weights. */
    public List<Entry> entries() {
        return entries;
    }

    /** Service names in declaration order. */
    public List<String> serviceNames() {
        return List.copyOf(services.keySet());
    }

    /** Gauge facts of one service. */
    public Service service(String name) {
        Service s = services.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown service " + name + "; known: " + services.keySet());
        }
        return s;
    }

    /** Whether the topology has a service of this name. */
    public boolean hasService(String name) {
        return services.containsKey(name);
    }

    /** Services this one calls directly. */
    public Set<String> callees(String service) {
        service(service);
        return callees.get(service);
    }

    /** Services that call this one directly. */
    public Set<String> callers(String service) {
        service(service);
        return callers.get(service);
    }

    /** The service and every service that calls it directly or transitively: where its faults show. */
    public Set<String> upstreamOf(String service) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(service));
        while (!todo.isEmpty()) {
            String s = todo.poll();
            if (seen.add(s)) {
                todo.addAll(callers(s));
            }
        }
        return Collections.unmodifiableSet(seen);
    }

    /** Every caller -> callee edge, as {@code "caller->callee"} strings in a stable order. */
    public List<String> edges() {
        List<String> out = new ArrayList<>();
        callees.forEach((caller, set) -> set.forEach(callee -> out.add(caller + "->" + callee)));
        return out;
    }
}
