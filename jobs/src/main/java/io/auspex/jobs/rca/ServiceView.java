package io.auspex.jobs.rca;

import java.util.Arrays;

/**
 * What the ranking reads of one service after a window: its anomaly episode (if it has evidence)
 * and the edges into it. Emitted by {@link RcaServiceState} for a service whose state changed at a
 * window end, and kept, per service, by {@link RootCauseEnricher} in its broadcast state.
 * A view with {@link #removed} set says the service's state was cleared.
 */
public class ServiceView {
    public String service;
    /** The window end the view is as of. */
    public long asOfMs;
    public boolean removed;
    /** The service's anomaly episode; absent ({@code hasEvidence} false) when it has no evidence history. */
    public boolean hasEvidence;
    public long onsetMs;
    public long lastAnomalousMs;
    public double peak;
    public double lastModelScore = Double.NaN;
    public String[] movedSignals = new String[0];
    public String[] onsetSignals = new String[0];
    public long lastOnsetMs;
    public String[] exemplarTraceIds = new String[0];
    public String[] errorLogTemplates = new String[0];
    /** Edges into the service, by caller name. */
    public EdgeView[] incoming = new EdgeView[0];

    public ServiceView() {}

    /** One caller -> this service edge, as the ranking reads it. */
    public static class EdgeView {
        public String caller;
        public long lastSeenMs;
        /** Wait beyond the callee's spans: episode peak level, onset, last abnormal window, peak ms. */
        public double gapPeak;
        public long gapOnsetMs;
        public long gapLastAnomalousMs;
        public double gapPeakMs;
        /** Failed calls: onset and last abnormal window. */
        public long errOnsetMs;
        public long errLastAnomalousMs;

        public EdgeView() {}

        static EdgeView of(RcaServiceState.EdgeState e) {
            EdgeView v = new EdgeView();
            v.caller = e.caller;
            v.lastSeenMs = e.lastSeenMs;
            v.gapPeak = e.gapPeak;
            v.gapOnsetMs = e.gapOnsetMs;
            v.gapLastAnomalousMs = e.gapLastAnomalousMs;
            v.gapPeakMs = e.gapPeakMs;
            v.errOnsetMs = e.errOnsetMs;
            v.errLastAnomalousMs = e.errLastAnomalousMs;
            return v;
        }

        @Override
        public String toString() {
            return caller + "@" + lastSeenMs + " gap " + gapPeak + "/" + gapOnsetMs + "/" + gapLastAnomalousMs + "/"
                    + gapPeakMs + " err " + errOnsetMs + "/" + errLastAnomalousMs;
        }
    }

    public static ServiceView removed(String service, long asOfMs) {
        ServiceView v = new ServiceView();
        v.service = service;
        v.asOfMs = asOfMs;
        v.removed = true;
        return v;
    }

    @Override
    public String toString() {
        return service + "@" + asOfMs + (removed ? " removed" : "") + (hasEvidence ? " episode " + onsetMs + "-"
                + lastAnomalousMs + " peak " + peak + " moved " + Arrays.toString(movedSignals) : "")
                + " in " + Arrays.toString(incoming);
    }

    /** A service's views, oldest first: the latest at or before the watermark and any newer ones. */
    public static class History {
        public ServiceView[] views = new ServiceView[0];

        public History() {}

        /** The latest view as of {@code t}, or null. */
        ServiceView asOf(long t) {
            ServiceView best = null;
            for (ServiceView v : views) {
                if (v.asOfMs <= t) {
                    best = v;
                }
            }
            return best;
        }

        /**
         * Adds a view (replacing one as of the same time) and drops the views no ranking at a time
         * after {@code watermark} can read; null when nothing is left to keep.
         */
        History with(ServiceView v, long watermark) {
            java.util.List<ServiceView> out = new java.util.ArrayList<>();
            for (ServiceView old : views) {
                if (old.asOfMs != v.asOfMs) {
                    out.add(old);
                }
            }
            out.add(v);
            out.sort(java.util.Comparator.comparingLong(x -> x.asOfMs));
            return prune(out, watermark);
        }

        /** These views without those no ranking after {@code watermark} reads; null when nothing is left. */
        History pruned(long watermark) {
            return prune(new java.util.ArrayList<>(java.util.Arrays.asList(views)), watermark);
        }

        private static History prune(java.util.List<ServiceView> out, long watermark) {
            int latestDue = -1;
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).asOfMs <= watermark) {
                    latestDue = i;
                }
            }
            if (latestDue > 0) {
                out = new java.util.ArrayList<>(out.subList(latestDue, out.size()));
            }
            if (out.size() == 1 && out.get(0).removed && out.get(0).asOfMs <= watermark) {
                return null;
            }
            History h = new History();
            h.views = out.toArray(new ServiceView[0]);
            return h;
        }
    }
}
