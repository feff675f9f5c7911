package io.auspex.infra.sim;

import java.util.SplittableRandom;

/**
 * Log line templates per service. Each line mixes fixed text with ids and numbers, as real logs
 * do, so that a template miner has something to mine. Services without templates of their own
 * (custom topologies) get generic lines.
 */
final class LogTemplates {

    private LogTemplates() {
    }

    /** An INFO line for a successful request, or {@code null} if this service logs nothing per request. */
    static String info(String service, Topology.Operation op, SplittableRandom r, long durationMs, int httpStatus) {
        return switch (service) {
            case "frontend" -> op.name() + " " + httpStatus + " " + durationMs + " ms";
            case "auth" -> "session " + Rand.hex(r, 12) + " verified for user " + (10_000 + r.nextInt(90_000));
            case "catalog" -> op.name().equals("GET /products")
                    ? "listed " + (10 + r.nextInt(40)) + " products for page " + (1 + r.nextInt(20))
                    : "served product " + (100_000 + r.nextInt(900_000)) + " in " + durationMs + " ms";
            case "checkout" -> op.name().equals("POST /checkout")
                    ? "order " + order(r) + " placed with " + (1 + r.nextInt(6)) + " items"
                    : "cart " + Rand.hex(r, 8) + " loaded with " + r.nextInt(9) + " items";
            case "payment" -> "charged order " + order(r) + ": " + (500 + r.nextInt(50_000)) + " cents authorised (auth code "
                    + Rand.hex(r, 6) + ")";
            case "inventory" -> op.name().equals("POST /reserve")
                    ? "reserved " + (1 + r.nextInt(5)) + " units of sku " + sku(r)
                    : "stock for sku " + sku(r) + ": " + r.nextInt(500) + " units";
            case "shipping" -> "quoted " + (300 + r.nextInt(3_000)) + " cents for order " + order(r) + " to zone "
                    + (1 + r.nextInt(8));
            case "cache", "database" -> null;
            default -> op.name() + " completed in " + durationMs + " ms";
        };
    }

    /** An ERROR line for a request that succeeded as far as its span says but computed a wrong result. */
    static String wrongResult(String service, Topology.Operation op, SplittableRandom r) {
        return "inconsistent result in " + op.name() + " of " + service + ": expected checksum " + Rand.hex(r, 8)
                + ", got " + Rand.hex(r, 8) + " for request " + Rand.hex(r, 12);
    }

    /** An ERROR line for a request that failed in this service itself. */
    static String ownError(String service, Topology.Operation op, SplittableRandom r, long durationMs) {
        return switch (service) {
            case "frontend" -> "unhandled exception rendering " + op.target() + ": NullPointerException at TemplateEngine.java:"
                    + (100 + r.nextInt(400));
            case "auth" -> "token validation failed for session " + Rand.hex(r, 12) + ": signing key " + Rand.hex(r, 8)
                    + " not found";
            case "catalog" -> "failed to load product " + (100_000 + r.nextInt(900_000)) + ": deserialization error at offset "
                    + r.nextInt(4096);
            case "checkout" -> "could not create order " + order(r) + ": optimistic lock failure on cart " + Rand.hex(r, 8);
            case "payment" -> "payment declined for order " + order(r) + ": gateway timeout after "
                    + Math.max(durationMs, 1) + " ms";
            case "inventory" -> {
                int v = 1 + r.nextInt(900);
                yield "stock reservation failed for sku " + sku(r) + ": version conflict (expected " + v + ", found "
                        + (v + 1) + ")";
            }
            case "shipping" -> "rate quote failed for order " + order(r) + ": carrier API returned 500 after "
                    + Math.max(durationMs, 1) + " ms";
            case "cache" -> "connection reset by peer while reading from cache node 10.0." + r.nextInt(8) + "."
                    + (2 + r.nextInt(250)) + ":6379";
            case "database" -> "deadlock detected: process " + (1000 + r.nextInt(60_000)) + " waits for ShareLock on transaction "
                    + (1_000_000 + r.nextInt(9_000_000));
            default -> "internal error handling " + op.name() + " (request " + Rand.hex(r, 8) + ")";
        };
    }

    /** An ERROR line for a request that failed because a downstream call failed. */
    static String propagated(Topology.Operation op, Topology.Operation callee, int status, long calleeMs) {
        String code = status > 0 ? String.valueOf(status) : "ERROR";
        return "request " + op.name() + " failed: " + callee.service() + " " + callee.name() + " returned " + code
                + " after " + calleeMs + " ms";
    }

    /** An ERROR line for a request that failed because the heap ran out. */
    static String outOfMemory(Topology.Operation op, SplittableRandom r) {
        return "java.lang.OutOfMemoryError: Java heap space while handling " + op.name() + " (heap used "
                + (1900 + r.nextInt(148)) + " of 2048 MB)";
    }

    /** A WARN line before a retry. */
    static String retry(Topology.Operation callee, int status) {
        String code = status > 0 ? String.valueOf(status) : "ERROR";
        return "retrying " + callee.name() + " on " + callee.service() + " after " + code + " (attempt 2 of 2)";
    }

    /** An ERROR line for a request that timed out waiting for capacity. */
    static String timeout(boolean hasPool, long timeoutMs, SplittableRandom r) {
        return hasPool
                ? "connection pool exhausted: timed out after " + timeoutMs + " ms waiting for a connection (active=20, idle=0, waiting="
                        + (5 + r.nextInt(60)) + ")"
                : "request rejected after " + timeoutMs + " ms: worker queue full (depth " + (200 + r.nextInt(800)) + ")";
    }

    /** A WARN line for a slow database statement. */
    static String slowQuery(Topology.Operation op, long durationMs, SplittableRandom r) {
        return "slow query: duration " + durationMs + " ms, statement " + op.name() + " WHERE id = " + (1 + r.nextInt(1_000_000));
    }

    private static String order(SplittableRandom r) {
        return String.valueOf(10_000 + r.nextInt(90_000));
    }

    private static String sku(SplittableRandom r) {
        return "SKU-" + (1000 + r.nextInt(9000));
    }
}
