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
     * @param setsSpanStatus whether its spans carry an error status (many instrumentations set none:
     *     failures then show only as HTTP codes and logs)
     * @param sendsLogs whether it sends logs at all (databases and caches usually do not)
     */
    public record Service(String name, double cpuIdle, double cpuAtMeanLoad, double memoryMean, String poolBackend,
            boolean setsSpanStatus, boolean sendsLogs) {
        public Service {
            Objects.requireNonNull(name, "name");
        }

        /** A service whose instrumentation sets span status and which sends logs. */
        public Service(String name, double cpuIdle, double cpuAtMeanLoad, double memoryMean, String poolBackend) {
            this(name, cpuIdle, cpuAtMeanLoad, memoryMean, poolBackend, true, true);
        }

        /** The same service with other instrumentation: span status set or not, logs sent or not. */
        public Service instrumented(boolean spanStatus, boolean logs) {
            return new Service(name, cpuIdle, cpuAtMeanLoad, memoryMean, poolBackend, spanStatus, logs);
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
    private final Set<String> datastores;

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
        Set<String> httpServices = new TreeSet<>();
        Set<String> statementServices = new TreeSet<>();
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
            (op.http() ? httpServices : statementServices).add(op.service());
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
        statementServices.removeAll(httpServices);
        this.datastores = Collections.unmodifiableSet(statementServices);
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

    /**
     * A 25-service travel-booking system, deeper and wider than {@link #standard()}: an entry
     * gateway, a busy search path (40-60 requests per 10 s window at 12 entry requests per second)
     * and quiet back-office services (1-10 per window), three databases shared by several services
     * and one cache. Instrumentation is mixed as in real fleets: about half the services set no span
     * status (10 of the 21 application services), and the databases and the cache send no logs. See
     * docs/simulator.md.
     */
    public static Topology booking() {
        Operation session = new Operation("cache", "GET session", 0.4, 0.3, false, List.of());
        Operation stationKey = new Operation("cache", "GET station", 0.4, 0.3, false, List.of());
        Operation priceKey = new Operation("cache", "GET price", 0.4, 0.3, false, List.of());
        Operation selectUsers = new Operation("db-users", "SELECT users", 3.0, 0.5, false, List.of());
        Operation selectConfig = new Operation("db-users", "SELECT config", 2.0, 0.5, false, List.of());
        Operation selectOrders = new Operation("db-orders", "SELECT orders", 5.0, 0.6, false, List.of());
        Operation insertOrders = new Operation("db-orders", "INSERT orders", 6.0, 0.6, false, List.of());
        Operation selectSeats = new Operation("db-orders", "SELECT seats", 3.0, 0.5, false, List.of());
        Operation updateSeats = new Operation("db-orders", "UPDATE seats", 4.0, 0.6, false, List.of());
        Operation insertPayments = new Operation("db-orders", "INSERT payments", 5.0, 0.6, false, List.of());
        Operation selectRoutes = new Operation("db-catalog", "SELECT routes", 3.0, 0.5, false, List.of());
        Operation selectTrips = new Operation("db-catalog", "SELECT trips", 4.0, 0.5, false, List.of());
        Operation selectStations = new Operation("db-catalog", "SELECT stations", 2.0, 0.5, false, List.of());
        Operation selectPrices = new Operation("db-catalog", "SELECT prices", 2.5, 0.5, false, List.of());
        Operation selectMenu = new Operation("db-catalog", "SELECT menu", 2.0, 0.5, false, List.of());

        Operation verify = http("auth", "POST /verify", 3.0, List.of(new Call(session, 1.0), new Call(selectUsers, 0.1)));
        Operation login = http("auth", "POST /login", 8.0, List.of(new Call(selectUsers, 1.0), new Call(session, 1.0)));
        Operation stations = http("station", "GET /stations", 3.0,
                List.of(new Call(stationKey, 1.0), new Call(selectStations, 0.2)));
        Operation routes = http("route", "GET /routes", 5.0, List.of(new Call(selectRoutes, 1.0)));
        Operation trips = http("schedule", "GET /trips", 6.0, List.of(new Call(selectTrips, 1.0), new Call(stations, 0.5)));
        Operation price = http("price", "GET /price", 4.0, List.of(new Call(priceKey, 1.0), new Call(selectPrices, 0.3)));
        Operation seats = http("seat", "GET /seats", 5.0, List.of(new Call(selectSeats, 1.0)));
        Operation hold = http("seat", "POST /seats/hold", 7.0, List.of(new Call(updateSeats, 1.0)));
        Operation search = http("search", "GET /search", 10.0, List.of(new Call(routes, 1.0), new Call(trips, 1.0),
                new Call(price, 1.0), new Call(seats, 0.3)));
        Operation profile = http("user", "GET /profile", 5.0, List.of(new Call(selectUsers, 1.0)));
        Operation history = http("order-history", "GET /orders", 6.0, List.of(new Call(selectOrders, 1.0)));
        Operation order = http("order", "POST /orders", 8.0, List.of(new Call(insertOrders, 1.0)));
        Operation authorize = http("bank", "POST /authorize", 60.0, List.of());
        Operation pay = http("payment", "POST /pay", 20.0, List.of(new Call(authorize, 1.0), new Call(insertPayments, 1.0)));
        Operation policies = http("insurance", "GET /policies", 6.0, List.of(new Call(selectOrders, 1.0)));
        Operation menu = http("food", "GET /menu", 5.0, List.of(new Call(selectMenu, 1.0)));
        Operation notify = http("notification", "POST /notify", 12.0, List.of());
        Operation book = http("booking", "POST /book", 15.0, List.of(new Call(hold, 1.0), new Call(price, 1.0),
                new Call(order, 1.0), new Call(pay, 1.0), new Call(policies, 0.3), new Call(menu, 0.2),
                new Call(notify, 1.0)));
        Operation consign = http("consign", "POST /consign", 8.0, List.of(new Call(history, 1.0), new Call(insertOrders, 1.0)));
        Operation voucher = http("voucher", "GET /voucher", 6.0, List.of(new Call(history, 1.0)));
        Operation config = http("config", "GET /config", 3.0, List.of(new Call(selectConfig, 1.0)));
        Operation admin = http("admin", "GET /admin/orders", 12.0, List.of(new Call(config, 1.0), new Call(history, 1.0),
                new Call(profile, 1.0)));

        List<Entry> entries = List.of(
                new Entry(http("gateway", "GET /search", 4.0, List.of(new Call(search, 1.0))), 0.45),
                new Entry(http("gateway", "GET /orders", 4.0, List.of(new Call(verify, 1.0), new Call(history, 1.0))), 0.15),
                new Entry(http("gateway", "POST /book", 5.0, List.of(new Call(verify, 1.0), new Call(book, 1.0))), 0.08),
                new Entry(http("gateway", "GET /profile", 4.0, List.of(new Call(verify, 1.0), new Call(profile, 1.0))), 0.12),
                new Entry(http("gateway", "POST /login", 4.0, List.of(new Call(login, 1.0))), 0.12),
                new Entry(http("gateway", "POST /consign", 4.0, List.of(new Call(verify, 1.0), new Call(consign, 1.0))), 0.03),
                new Entry(http("gateway", "GET /voucher", 4.0, List.of(new Call(verify, 1.0), new Call(voucher, 1.0))), 0.035),
                new Entry(http("gateway", "GET /admin", 4.0, List.of(new Call(verify, 1.0), new Call(admin, 1.0))), 0.015));
        List<Service> services = List.of(
                new Service("gateway", 0.06, 0.35, 0.55, null),
                new Service("auth", 0.04, 0.25, 0.45, null),
                new Service("search", 0.05, 0.30, 0.60, null).instrumented(false, true),
                new Service("route", 0.04, 0.20, 0.50, "db-catalog").instrumented(false, true),
                new Service("schedule", 0.04, 0.25, 0.55, "db-catalog"),
                new Service("station", 0.03, 0.15, 0.40, null).instrumented(false, true),
                new Service("price", 0.04, 0.20, 0.50, null).instrumented(false, true),
                new Service("seat", 0.04, 0.20, 0.45, "db-orders"),
                new Service("user", 0.03, 0.15, 0.40, "db-users").instrumented(false, true),
                new Service("order-history", 0.04, 0.20, 0.50, "db-orders"),
                new Service("order", 0.03, 0.15, 0.45, "db-orders").instrumented(false, true),
                new Service("bank", 0.03, 0.12, 0.35, null),
                new Service("payment", 0.03, 0.15, 0.45, "db-orders").instrumented(false, true),
                new Service("insurance", 0.02, 0.08, 0.35, null),
                new Service("food", 0.02, 0.08, 0.35, null).instrumented(false, true),
                new Service("notification", 0.03, 0.12, 0.40, null),
                new Service("booking", 0.03, 0.15, 0.50, null),
                new Service("consign", 0.02, 0.06, 0.30, null).instrumented(false, true),
                new Service("voucher", 0.02, 0.06, 0.30, null),
                new Service("config", 0.02, 0.05, 0.30, null).instrumented(false, true),
                new Service("admin", 0.02, 0.06, 0.35, null),
                new Service("cache", 0.03, 0.25, 0.70, null).instrumented(true, false),
                new Service("db-users", 0.06, 0.30, 0.70, null).instrumented(true, false),
                new Service("db-orders", 0.08, 0.40, 0.75, null).instrumented(true, false),
                new Service("db-catalog", 0.07, 0.35, 0.72, null).instrumented(true, false));
        return new Topology(entries, services);
    }

    private static Operation http(String service, String name, double medianMs, List<Call> calls) {
        return new Operation(service, name, medianMs, 0.5, true, calls);
    }

    /** Whether every operation of the service is a statement (a database or a cache), none an HTTP route. */
    public boolean isDatastore(String service) {
        service(service);
        return datastores.contains(service);
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
