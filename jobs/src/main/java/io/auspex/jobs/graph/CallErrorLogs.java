package io.auspex.jobs.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Failed calls seen only in the caller's log: an ERROR line a service writes in a span (by the
 * line's trace and span id, as OpenTelemetry log bridges stamp them) shortly after a call that
 * span made to another service ended says that call failed, when neither span said so (no status,
 * no HTTP code) and the callee logged no error in that call. A service that throws without span
 * status and logs nothing is then seen as its callers see it: as an edge whose calls fail
 * ({@link EdgeExtractor} emits a {@link ServiceCall#failureOnly} record for it).
 *
 * <p>The rule, per ERROR line of service {@code A} in span {@code S} of trace {@code T} at time
 * {@code L}: of the calls {@code S} made to other services (paired CLIENT/SERVER spans), the one
 * that ended last at or before {@code L} (up to {@link #SKEW_MS} after it, for millisecond
 * rounding) and no more than {@code windowMs} before it. It is attributed when the line names that
 * call's peer: the callee's service name (not as a segment of a route), or the client span's
 * {@code peer.service}, {@code server.address}, {@code net.peer.name}, {@code url.path} or
 * {@code http.target} (without its query), or the host or path of its {@code url.full} /
 * {@code http.url} ({@link #peerNames}), as a word of the line's body or
 * of its {@code exception.message} / {@code exception.type} (case-insensitive; a failed HTTP call's
 * exception carries the URL, whose host is the callee's service name in a cluster). A line that
 * names no peer is the service's own failure after calls that went well (a wrong result it
 * detected, its own exception), and blaming the last callee for it would be wrong. It is not
 * attributed either when the call already failed by its spans, was attributed before (a failure is
 * often logged in several lines), or its callee wrote an ERROR line in its own span of that call
 * (then the callee's log already shows it, and in a chain only the deepest silent link is blamed).
 *
 * <p>A line is decided once the watermark has passed its time, so the spans of calls that ended
 * before it and the callee's own lines have come (a line that arrives after that is decided at
 * once). All in memory per subtask, keyed by trace id upstream. <b>Cleared</b>: a decided line
 * leaves at once; a span's calls once the watermark is {@code windowMs} past the last of them
 * ended; the spans the callees' error lines were written in after the trace TTL. Each of the three
 * holds at most {@code maxEntries}, the oldest evicted beyond it and counted.
 */
final class CallErrorLogs {
    /** A line may carry a time up to this much before the end of the call it follows (ms rounding of the two). */
    static final long SKEW_MS = 1;

    /** (trace id, span id). */
    record SpanKey(String traceId, String spanId) {}

    /** One call a span made to another service. */
    static final class Call {
        final String caller;
        final String callee;
        final String calleeSpanId;
        final long endMs;
        final boolean error;
        /** How the caller addressed the callee (from the CLIENT span), besides the callee's service name; may be null. */
        final String[] peers;
        boolean attributed;

        Call(String caller, String callee, String calleeSpanId, long endMs, boolean error, String[] peers) {
            this.caller = caller;
            this.callee = callee;
            this.calleeSpanId = calleeSpanId;
            this.endMs = endMs;
            this.error = error;
            this.peers = peers;
        }

        /** Whether {@code text} (lower case) names this call's peer. */
        boolean namedIn(String text) {
            if (namesWord(text, callee)) {
                return true;
            }
            if (peers != null) {
                for (String p : peers) {
                    if (namesWord(text, p)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /** The span attributes that say how a CLIENT span addressed its peer (a URL gives its host and its path). */
    static final java.util.List<String> PEER_ATTRIBUTES = java.util.List.of("peer.service", "server.address",
            "net.peer.name", "url.path", "http.target", "url.full", "http.url");

    /**
     * The names a CLIENT span's attribute {@code key} gives its peer: the value; a URL's host and
     * path; a path without its query. Names shorter than {@link #MIN_NAME} are left out.
     */
    static void peerNames(String key, String value, java.util.List<String> out) {
        if (value == null) {
            return;
        }
        String v = value;
        if (key.equals("url.full") || key.equals("http.url")) {
            int scheme = v.indexOf("://");
            int hostStart = scheme < 0 ? 0 : scheme + 3;
            int pathStart = v.indexOf('/', hostStart);
            String authority = pathStart < 0 ? v.substring(hostStart) : v.substring(hostStart, pathStart);
            int at = authority.lastIndexOf('@');
            String host = authority.substring(at + 1);
            int port = host.lastIndexOf(':');
            if (port > 0 && host.indexOf(']') < port) {
                host = host.substring(0, port);
            }
            add(host, out);
            v = pathStart < 0 ? "" : v.substring(pathStart);
        }
        if (key.startsWith("url.") || key.startsWith("http.")) {
            int q = v.indexOf('?');
            int f = v.indexOf('#');
            int end = Math.min(q < 0 ? v.length() : q, f < 0 ? v.length() : f);
            v = v.substring(0, end);
        }
        add(v, out);
    }

    private static void add(String name, java.util.List<String> out) {
        if (name.length() >= MIN_NAME && !out.contains(name)) {
            out.add(name);
        }
    }
    /** Peer names shorter than this are not looked for (they match too much). */
    static final int MIN_NAME = 3;

    /**
     * Whether {@code text} (lower case) holds {@code name} (any case) as a word: not next to a letter
     * or digit on either side ({@code ts-order-service} in {@code http://ts-order-service:8080/}, not
     * {@code auth} in {@code author}), and not right after a single slash, where it is a segment of
     * a route ({@code search} in {@code GET /search}: the line names the caller's own route, while a
     * host follows two, {@code http://search:8080}); a side of the name that is a sign needs no
     * boundary ({@code /api/v1/orders} in {@code http://host:8080/api/v1/orders}).
     */
    static boolean namesWord(String text, String name) {
        if (name == null || name.length() < MIN_NAME) {
            return false;
        }
        String n = name.toLowerCase(java.util.Locale.ROOT);
        for (int i = text.indexOf(n); i >= 0; i = text.indexOf(n, i + 1)) {
            int end = i + n.length();
            // a name that begins or ends with a sign (a path) needs no boundary there: "...:8080/api/orders"
            boolean sign = !Character.isLetterOrDigit(n.charAt(0));
            boolean before = i == 0 || sign || !Character.isLetterOrDigit(text.charAt(i - 1))
                    // after one slash a name is a route's segment ("GET /search"), not a host ("http://search:80")
                    && (text.charAt(i - 1) != '/' || i >= 2 && text.charAt(i - 2) == '/');
            if (before && (end == text.length() || !Character.isLetterOrDigit(n.charAt(n.length() - 1))
                    || !Character.isLetterOrDigit(text.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    /** The calls one span made, with the latest end among them. */
    static final class Calls {
        final List<Call> list = new ArrayList<>(2);
        long lastEndMs = Long.MIN_VALUE;
    }

    /** An ERROR line waiting for the watermark. */
    record Line(String traceId, String spanId, String service, long timeMs, String text, long seq) {}

    /** Why a line was not attributed, for the counters. */
    enum Outcome { ATTRIBUTED, NO_CALL, NOT_NAMED, CALLEE_LOGGED, ALREADY_FAILED }

    private final long windowMs;
    private final long ttlMs;
    private final int maxEntries;
    private final LinkedHashMap<SpanKey, Calls> calls = new LinkedHashMap<>();
    private int callCount;
    private final PriorityQueue<Line> waiting = new PriorityQueue<>(
            Comparator.comparingLong(Line::timeMs).thenComparingLong(Line::seq));
    private long seq;
    /** Spans an ERROR line was written in -> the line's time. */
    private final LinkedHashMap<SpanKey, Long> errorSpans = new LinkedHashMap<>();
    private long watermark = Long.MIN_VALUE;
    long attributed;
    long notAttributed;
    long evicted;

    CallErrorLogs(long windowMs, long ttlMs, int maxEntries) {
        this.windowMs = windowMs;
        this.ttlMs = ttlMs;
        this.maxEntries = maxEntries;
    }

    /** A call that {@code callerSpanId} (the caller's span holding the CLIENT span) made, as paired. */
    void call(String traceId, String callerSpanId, String caller, String callee, String calleeSpanId, long endMs,
            boolean error, String[] peers) {
        if (callerSpanId == null || callerSpanId.isEmpty()) {
            return;
        }
        Calls c = calls.computeIfAbsent(new SpanKey(traceId, callerSpanId), k -> new Calls());
        c.list.add(new Call(caller, callee, calleeSpanId, endMs, error, peers));
        c.lastEndMs = Math.max(c.lastEndMs, endMs);
        callCount++;
        Iterator<Calls> it = calls.values().iterator();
        while (callCount > maxEntries && it.hasNext()) {
            Calls oldest = it.next();
            it.remove();
            callCount -= oldest.list.size();
            evicted += oldest.list.size();
        }
    }

    /**
     * An ERROR line of {@code service} in span {@code spanId}, with its text (body and exception, any
     * case): remembered as a span with an error line, and decided now when the watermark has passed
     * it (a failure to {@code emit}), else when it does.
     */
    void line(String traceId, String spanId, String service, long timeMs, String text, Consumer<Call> emit) {
        SpanKey k = new SpanKey(traceId, spanId);
        errorSpans.remove(k);
        errorSpans.put(k, timeMs);
        if (errorSpans.size() > maxEntries) {
            Iterator<Long> it = errorSpans.values().iterator();
            it.next();
            it.remove();
            evicted++;
        }
        Line l = new Line(traceId, spanId, service, timeMs, text.toLowerCase(java.util.Locale.ROOT), seq++);
        if (timeMs <= watermark) {
            decide(l, emit);
        } else {
            if (waiting.size() >= maxEntries) {
                // a flood of error lines: the newest is not held (the held ones are decided first)
                evicted++;
            } else {
                waiting.add(l);
            }
        }
    }

    /** Decides the lines the watermark has passed, then drops what no later line can need. */
    void advance(long wm, Consumer<Call> emit) {
        watermark = Math.max(watermark, wm);
        while (!waiting.isEmpty() && waiting.peek().timeMs() <= watermark) {
            decide(waiting.poll(), emit);
        }
        Iterator<Calls> it = calls.values().iterator();
        while (it.hasNext()) {
            Calls c = it.next();
            if (c.lastEndMs + windowMs + SKEW_MS >= watermark) {
                break;
            }
            it.remove();
            callCount -= c.list.size();
        }
        Iterator<Long> es = errorSpans.values().iterator();
        while (es.hasNext() && es.next() + ttlMs < watermark) {
            es.remove();
        }
    }

    Outcome decide(Line l, Consumer<Call> emit) {
        Calls c = calls.get(new SpanKey(l.traceId(), l.spanId()));
        Call last = null;
        if (c != null) {
            for (Call call : c.list) {
                if (call.caller.equals(l.service()) && call.endMs <= l.timeMs() + SKEW_MS
                        && l.timeMs() - call.endMs <= windowMs && (last == null || call.endMs > last.endMs)) {
                    last = call;
                }
            }
        }
        Outcome o;
        if (last == null) {
            o = Outcome.NO_CALL;
        } else if (last.error || last.attributed) {
            o = Outcome.ALREADY_FAILED;
        } else if (!last.namedIn(l.text())) {
            o = Outcome.NOT_NAMED;
        } else if (errorSpans.containsKey(new SpanKey(l.traceId(), last.calleeSpanId))) {
            o = Outcome.CALLEE_LOGGED;
        } else {
            last.attributed = true;
            emit.accept(last);
            o = Outcome.ATTRIBUTED;
        }
        if (o == Outcome.ATTRIBUTED) {
            attributed++;
        } else {
            notAttributed++;
        }
        return o;
    }

    /** Calls, waiting lines and error spans held now. */
    int size() {
        return callCount + waiting.size() + errorSpans.size();
    }

    // --- checkpoint -------------------------------------------------------------------------

    /** One entry of the three as the checkpoint keeps it. */
    public static class Entry {
        public static final int CALL = 0;
        public static final int LINE = 1;
        public static final int ERROR_SPAN = 2;
        public int kind;
        public String traceId;
        /** The caller's span (a call), the line's span, the span an error line was written in. */
        public String spanId;
        /** The caller (a call) or the line's service. */
        public String service;
        public String callee;
        public String calleeSpanId;
        /** A call's peer names ({@link Call#peers}), a line's text. */
        public String[] peers;
        public String text;
        /** The call's end, the line's time. */
        public long timeMs;
        public boolean error;
        public boolean attributed;

        public Entry() {}
    }

    List<Entry> snapshot() {
        List<Entry> out = new ArrayList<>(size());
        for (Map.Entry<SpanKey, Calls> me : calls.entrySet()) {
            for (Call c : me.getValue().list) {
                Entry e = entry(Entry.CALL, me.getKey().traceId(), me.getKey().spanId(), c.endMs);
                e.service = c.caller;
                e.callee = c.callee;
                e.calleeSpanId = c.calleeSpanId;
                e.peers = c.peers;
                e.error = c.error;
                e.attributed = c.attributed;
                out.add(e);
            }
        }
        List<Line> lines = new ArrayList<>(waiting);
        lines.sort(waiting.comparator());
        for (Line l : lines) {
            Entry e = entry(Entry.LINE, l.traceId(), l.spanId(), l.timeMs());
            e.service = l.service();
            e.text = l.text();
            out.add(e);
        }
        for (Map.Entry<SpanKey, Long> me : errorSpans.entrySet()) {
            out.add(entry(Entry.ERROR_SPAN, me.getKey().traceId(), me.getKey().spanId(), me.getValue()));
        }
        return out;
    }

    private static Entry entry(int kind, String traceId, String spanId, long timeMs) {
        Entry e = new Entry();
        e.kind = kind;
        e.traceId = traceId;
        e.spanId = spanId;
        e.timeMs = timeMs;
        return e;
    }

    /** Restores entries (those of this subtask's traces, in the order {@link #snapshot} wrote them). */
    void restore(Iterable<Entry> entries) {
        for (Entry e : entries) {
            switch (e.kind) {
                case Entry.CALL -> {
                    call(e.traceId, e.spanId, e.service, e.callee, e.calleeSpanId, e.timeMs, e.error, e.peers);
                    List<Call> list = calls.get(new SpanKey(e.traceId, e.spanId)).list;
                    list.get(list.size() - 1).attributed = e.attributed;
                }
                case Entry.LINE -> waiting.add(new Line(e.traceId, e.spanId, e.service, e.timeMs,
                        e.text == null ? "" : e.text, seq++));
                case Entry.ERROR_SPAN -> errorSpans.put(new SpanKey(e.traceId, e.spanId), e.timeMs);
                default -> throw new IllegalStateException("unknown entry kind " + e.kind);
            }
        }
    }
}
