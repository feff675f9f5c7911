package io.auspex.jobs.slo;

import io.auspex.jobs.alerts.Fingerprint;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.Severity;
import io.auspex.schemas.SloStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The arithmetic and alert state machine of one SLO instance. Pure Java, no Flink: the job's
 * operator, the backtest and the benchmark all call {@link #update}.
 *
 * <p>Per window result: O(1) ring updates, then for each rule four O(1) window sums. Per
 * event-time minute: one {@link SloStatus}.
 */
public final class SloEvaluator {
    /** The {@code alertname} label of every SLO burn alert. */
    public static final String ALERT_NAME = "SloErrorBudgetBurn";
    /**
     * Relative tolerance of the burn-rate comparison, so that a burn rate equal to the factor in
     * decimal arithmetic (e.g. 0.6 % errors against 6x of a 0.1 % budget) fires whatever the
     * binary rounding of the sums.
     */
    static final double TOLERANCE = 1e-9;

    private SloEvaluator() {}

    /** A fresh instance state for an SLO. */
    public static SloInstanceState newState(SloDefinition def) {
        SloInstanceState s = new SloInstanceState(def.identity(), def.minuteBuckets(), def.hourBuckets());
        conform(def, s, "", null);
        return s;
    }

    /**
     * Makes a kept state fit a (possibly edited) definition of the same identity: ring sizes
     * follow the windows and period, rule states follow the tiers. A firing rule whose tier
     * is gone is resolved (needs {@code previous}, the definition it fired under).
     */
    static void conform(SloDefinition def, SloInstanceState s, String instance, SloDefinition previous, SloOutput out) {
        if (s.minutes.size() != def.minuteBuckets()) {
            s.minutes = s.minutes.resized(def.minuteBuckets());
        }
        if (s.hours.size() != def.hourBuckets()) {
            s.hours = s.hours.resized(def.hourBuckets());
        }
        List<SloInstanceState.RuleState> kept = new ArrayList<>(def.rules().size());
        for (BurnRule r : def.rules()) {
            SloInstanceState.RuleState found = null;
            for (SloInstanceState.RuleState rs : s.rules) {
                if (rs.tier.equals(r.tier())) {
                    found = rs;
                }
            }
            kept.add(found != null ? found : new SloInstanceState.RuleState(r.tier()));
        }
        if (previous != null && out != null) {
            for (SloInstanceState.RuleState rs : s.rules) {
                if (rs.firing && !kept.contains(rs)) {
                    for (BurnRule r : previous.rules()) {
                        if (r.tier().equals(rs.tier)) {
                            resolveNow(previous, instance, s, r, rs, out);
                        }
                    }
                }
            }
        }
        s.rules = kept;
    }

    /** True when the rings and rule states of {@code s} match {@code def} (sizes, and tiers in order). */
    static boolean conforms(SloDefinition def, SloInstanceState s) {
        if (s.minutes.size() != def.minuteBuckets() || s.hours.size() != def.hourBuckets()
                || s.rules.size() != def.rules().size()) {
            return false;
        }
        for (int i = 0; i < s.rules.size(); i++) {
            if (!s.rules.get(i).tier.equals(def.rules().get(i).tier())) {
                return false;
            }
        }
        return true;
    }

    private static void conform(SloDefinition def, SloInstanceState s, String instance, SloOutput out) {
        conform(def, s, instance, null, out);
    }

    /** Resolves every firing rule of an instance that is being dropped (SLO removed or its counts redefined). */
    static void resolveAll(SloDefinition def, String instance, SloInstanceState s, SloOutput out) {
        for (BurnRule r : def.rules()) {
            for (SloInstanceState.RuleState rs : s.rules) {
                if (rs.tier.equals(r.tier()) && rs.firing) {
                    resolveNow(def, instance, s, r, rs, out);
                }
            }
        }
    }

    private static void resolveNow(SloDefinition def, String instance, SloInstanceState s, BurnRule r,
            SloInstanceState.RuleState rs, SloOutput out) {
        long at = s.lastEvalMs;
        long ends = rs.clearSinceMs != SloInstanceState.NONE ? rs.clearSinceMs : at;
        rs.firing = false;
        rs.clearSinceMs = SloInstanceState.NONE;
        out.alert(alert(def, instance, s, r, rs, AlertStatus.RESOLVED, at, ends));
    }

    /**
     * Adds one window result {@code [startMs, endMs)} of {@code total} events, {@code bad} of them
     * bad, then evaluates every rule at {@code endMs}. Before that, when the window starts a new
     * event-time minute, emits the status of the minute before.
     */
    public static void update(SloDefinition def, String instance, SloInstanceState s,
            long startMs, long endMs, long total, long bad, SloOutput out) {
        if (!s.identity.equals(def.identity())) {
            throw new IllegalArgumentException("state of " + s.identity + " used for SLO " + def.name() + " (" + def.identity() + ")");
        }
        if (!conforms(def, s)) {
            conform(def, s, instance, out);
        }
        long minute = Math.floorDiv(endMs - 1, Durations.MINUTE_MS);
        if (s.firstDataMs == SloInstanceState.NONE) {
            s.firstDataMs = startMs;
        } else if (minute > s.statusMinute) {
            out.status(status(def, instance, s, (s.statusMinute + 1) * Durations.MINUTE_MS));
        }
        long clampedBad = Math.min(Math.max(bad, 0), Math.max(total, 0));
        s.minutes.add(endMs - 1, Math.max(total, 0), clampedBad);
        s.hours.add(endMs - 1, Math.max(total, 0), clampedBad);
        if (total > 0) {
            s.lastEventMs = Math.max(s.lastEventMs, endMs);
        }
        if (s.lastEvalMs != SloInstanceState.NONE && endMs <= s.lastEvalMs) {
            // a late or repeated window: its counts are in the rings, time does not go back
            return;
        }
        s.statusMinute = minute;
        s.lastEvalMs = endMs;
        List<BurnRule> rules = def.rules();
        for (int i = 0; i < rules.size(); i++) {
            evaluate(def, instance, s, rules.get(i), s.rules.get(i), endMs, out);
        }
    }

    private static void evaluate(SloDefinition def, String instance, SloInstanceState s, BurnRule r,
            SloInstanceState.RuleState rs, long now, SloOutput out) {
        boolean on = conditionHolds(def, s, r, now);
        if (on) {
            rs.clearSinceMs = SloInstanceState.NONE;
            if (!rs.firing) {
                rs.firing = true;
                rs.startsAtMs = now;
                out.alert(alert(def, instance, s, r, rs, AlertStatus.FIRING, now, SloInstanceState.NONE));
            }
            return;
        }
        if (!rs.firing) {
            return;
        }
        if (rs.clearSinceMs == SloInstanceState.NONE) {
            rs.clearSinceMs = now;
        }
        if (now - rs.clearSinceMs >= def.keepFiringForMs()) {
            long ends = rs.clearSinceMs;
            rs.firing = false;
            rs.clearSinceMs = SloInstanceState.NONE;
            out.alert(alert(def, instance, s, r, rs, AlertStatus.RESOLVED, now, ends));
        }
    }

    /**
     * A rule holds when: the burn rate over both windows is at least the factor (within
     * {@link #TOLERANCE}); the short
     * window is fully covered by history; the long window holds at least min_events events and
     * min_bad_events bad events.
     */
    static boolean conditionHolds(SloDefinition def, SloInstanceState s, BurnRule r, long now) {
        if (now - s.firstDataMs < r.shortWindowMs()) {
            return false;
        }
        double threshold = r.factor() * (1 - TOLERANCE);
        // the short window first: its buckets are the newest (in cache) and it is usually below the factor
        if (burnRate(def, s, r.shortWindowMs(), now) < threshold) {
            return false;
        }
        CountRing longRing = ring(s, r.longWindowMs());
        double longTotal = longRing.total(now, r.longWindowMs());
        double longBad = longRing.bad(now, r.longWindowMs());
        if (longTotal < def.minEvents() || longBad < def.minBadEvents() || longTotal <= 0) {
            return false;
        }
        return burn(longBad, longTotal, def.errorBudget()) >= threshold;
    }

    private static CountRing ring(SloInstanceState s, long windowMs) {
        return windowMs < SloDefinition.HOUR_RESOLUTION_FROM_MS ? s.minutes : s.hours;
    }

    private static double burn(double bad, double total, double budget) {
        return total <= 0 ? 0.0 : (bad / total) / budget;
    }

    /** Burn rate over {@code [now - windowMs, now)}: bad share / error budget; 0 without events. */
    public static double burnRate(SloDefinition def, SloInstanceState s, long windowMs, long now) {
        CountRing ring = ring(s, windowMs);
        return burn(ring.bad(now, windowMs), ring.total(now, windowMs), def.errorBudget());
    }

    /** Share of the period's error budget left at {@code now}: 1 untouched, negative when overspent. */
    public static double budgetRemaining(SloDefinition def, SloInstanceState s, long now) {
        double total = s.hours.total(now, def.periodMs());
        double bad = s.hours.bad(now, def.periodMs());
        return total <= 0 ? 1.0 : 1.0 - (bad / total) / def.errorBudget();
    }

    /** The status of an instance at {@code now} (a minute end). */
    public static SloStatus status(SloDefinition def, String instance, SloInstanceState s, long now) {
        Map<String, Double> rates = new LinkedHashMap<>();
        for (long w : def.windowsMs()) {
            rates.put(Durations.format(w), burnRate(def, s, w, now));
        }
        double remaining = budgetRemaining(def, s, now);
        double burn1h = burnRate(def, s, Durations.HOUR_MS, now);
        Long tte = null;
        if (remaining <= 0) {
            tte = 0L;
        } else if (burn1h > 0) {
            tte = (long) (remaining * def.periodMs() / burn1h);
        }
        double total = s.hours.total(now, def.periodMs());
        double bad = s.hours.bad(now, def.periodMs());
        // the all-fields constructor: the builder's default handling costs more than the rest of a status
        return new SloStatus(def.name(), def.service(), instance, now, def.objective(), rates, remaining, tte,
                Math.round(total - bad), Math.round(total));
    }

    /** Identifying labels of the alert of one rule of one instance; the fingerprint is over these. */
    public static Map<String, String> labels(SloDefinition def, String instance, BurnRule r) {
        Map<String, String> l = new TreeMap<>(def.labels());
        l.put("alertname", ALERT_NAME);
        l.put("slo", def.name());
        l.put("service", def.service());
        l.put("severity", r.severity() == Severity.PAGE ? "page" : "ticket");
        l.put("burn_tier", r.tier());
        l.put("long_window", r.longWindow());
        l.put("short_window", r.shortWindow());
        if (def.grouped()) {
            l.put(def.groupBy(), instance);
        }
        return l;
    }

    /** 16 hex chars of SHA-256 over the labels sorted by name: the project-wide {@link Fingerprint}. */
    public static String fingerprint(Map<String, String> labels) {
        return Fingerprint.of(labels);
    }

    private static Alert alert(SloDefinition def, String instance, SloInstanceState s, BurnRule r,
            SloInstanceState.RuleState rs, AlertStatus status, long now, long endsAt) {
        Map<String, String> labels = labels(def, instance, r);
        double longRate = burnRate(def, s, r.longWindowMs(), now);
        double shortRate = burnRate(def, s, r.shortWindowMs(), now);
        Map<String, Double> rates = new LinkedHashMap<>();
        rates.put(r.longWindow(), longRate);
        rates.put(r.shortWindow(), shortRate);
        String who = def.name() + (def.grouped() ? " [" + def.groupBy() + "=" + instance + "]" : "");
        String share = Double.isNaN(r.budgetPercent()) ? ""
                : String.format(Locale.ROOT, " (%s%% of the %s budget in %s)", num(r.budgetPercent()),
                        Durations.format(def.periodMs()), r.longWindow());
        Map<String, String> ann = new TreeMap<>();
        ann.put("summary", String.format(Locale.ROOT, "%s of %s is burning its error budget %.1fx too fast (%s tier)",
                who, def.service(), longRate, r.tier()));
        ann.put("description", String.format(Locale.ROOT,
                "Burn rate %.2f over %s and %.2f over %s; threshold %s%s. Objective %s%% over %s, %.1f%% of the error budget left.%s",
                longRate, r.longWindow(), shortRate, r.shortWindow(), num(r.factor()), share, num(def.objective()),
                Durations.format(def.periodMs()), 100 * budgetRemaining(def, s, now),
                def.description().isEmpty() ? "" : " " + def.description()));
        if (!def.runbookUrl().isEmpty()) {
            ann.put("runbook_url", def.runbookUrl());
        }
        return Alert.newBuilder()
                .setFingerprint(fingerprint(labels))
                .setStatus(status)
                .setRule(r.ruleName())
                .setSeverity(r.severity())
                .setService(def.service())
                .setSlo(def.name())
                .setStartsAtMs(rs.startsAtMs)
                .setEndsAtMs(status == AlertStatus.RESOLVED ? endsAt : null)
                .setEventTimeMs(now)
                .setLabels(labels)
                .setAnnotations(ann)
                .setBurnRates(rates)
                .setRunbookUrl(def.runbookUrl())
                .build();
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
