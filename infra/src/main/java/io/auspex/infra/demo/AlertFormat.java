package io.auspex.infra.demo;

import io.auspex.schemas.Alert;
import io.auspex.schemas.RootCauseHint;
import java.util.Locale;

/** One readable line per alert: time into the run, status, severity, service, rule, burn or score, top hint. */
public final class AlertFormat {
    private AlertFormat() {}

    public static String line(Alert a, long runStartMs) {
        String measure;
        String longWindow = a.getLabels().get("long_window");
        if (longWindow != null && a.getBurnRates().containsKey(longWindow)) {
            measure = String.format(Locale.ROOT, "burn(%s)=%.1fx", longWindow, a.getBurnRates().get(longWindow));
        } else if (a.getAnomalyScore() != null) {
            measure = String.format(Locale.ROOT, "score=%.3f", a.getAnomalyScore());
        } else {
            measure = "-";
        }
        String hint = "-";
        if (!a.getRootCauses().isEmpty()) {
            RootCauseHint h = a.getRootCauses().get(0);
            hint = String.format(Locale.ROOT, "%s (%.0f%%%s)", h.getService(), 100 * h.getConfidence(),
                    h.getMovedSignals().isEmpty() ? "" : ", " + String.join("+", h.getMovedSignals()));
        }
        String slo = a.getSlo() == null ? a.getRule() : a.getSlo() + "/" + a.getLabels().getOrDefault("burn_tier",
                a.getRule());
        return String.format(Locale.ROOT, "[%s] %-8s %-6s %-10s %-34s %-16s root cause: %s",
                clock(a.getEventTimeMs() - runStartMs), a.getStatus(), a.getSeverity(), a.getService(), slo, measure,
                hint);
    }

    /** h:mm:ss of an event-time offset. */
    public static String clock(long offsetMs) {
        long s = Math.max(0, offsetMs / 1000);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
