package io.auspex.jobs.slo;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.auspex.schemas.Severity;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Parses and validates the SLO file (see docs/slo-reference.md). All or nothing. */
final class SloSetParser {

    static final int DEFAULT_MAX_INSTANCES = 100;
    static final long DEFAULT_MIN_EVENTS = 0;
    static final long DEFAULT_MIN_BAD_EVENTS = 5;
    static final long DEFAULT_KEEP_FIRING_FOR_MS = 2 * Durations.MINUTE_MS;
    static final long DEFAULT_PERIOD_MS = 30 * Durations.DAY_MS;

    /** Labels the engine sets itself; an SLO's extra labels may not use them. */
    static final Set<String> RESERVED_LABELS = Set.of(
            "alertname", "slo", "service", "severity", "burn_tier", "long_window", "short_window", "operation");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    private static final Pattern TIER = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TOP_FIELDS = Set.of("slos");
    private static final Set<String> SLO_FIELDS = Set.of("name", "service", "description", "runbook_url", "labels",
            "objective", "period", "sli", "group_by", "max_instances", "alerting");
    private static final Set<String> SLI_FIELDS = Set.of("type", "threshold_ms");
    private static final Set<String> ALERTING_FIELDS = Set.of("min_events", "min_bad_events", "keep_firing_for", "rules");
    private static final Set<String> RULE_FIELDS = Set.of("tier", "severity", "long_window", "short_window",
            "budget_percent", "burn_rate");

    private final String origin;
    private String slo;

    private SloSetParser(String origin) {
        this.origin = origin;
    }

    static List<SloDefinition> parse(String text, String origin) {
        return new SloSetParser(origin).parseAll(text);
    }

    /** The SRE Workbook rules for a 30-day period, expressed as budget shares so that they scale with the period. */
    static List<BurnRule> defaultRules(long periodMs) {
        List<BurnRule> all = List.of(
                rule("fast", Severity.PAGE, Durations.HOUR_MS, 5 * Durations.MINUTE_MS, 2, periodMs),
                rule("medium", Severity.PAGE, 6 * Durations.HOUR_MS, 30 * Durations.MINUTE_MS, 5, periodMs),
                rule("slow", Severity.TICKET, Durations.DAY_MS, 2 * Durations.HOUR_MS, 10, periodMs),
                rule("very_slow", Severity.TICKET, 3 * Durations.DAY_MS, 6 * Durations.HOUR_MS, 10, periodMs));
        // a rule whose long window is longer than the period makes no sense (1d and 2d periods drop very_slow)
        List<BurnRule> fit = new ArrayList<>();
        for (BurnRule r : all) {
            if (r.longWindowMs() <= periodMs) {
                fit.add(r);
            }
        }
        return List.copyOf(fit);
    }

    private static BurnRule rule(String tier, Severity sev, long longMs, long shortMs, double budgetPercent, long periodMs) {
        return new BurnRule(tier, sev, longMs, shortMs, factorFor(budgetPercent, periodMs, longMs), budgetPercent);
    }

    /** Sloth's scaling: factor = budget share consumed * period / long window, in decimal arithmetic (2 % of 30d in 1h = 14.4 exactly). */
    static double factorFor(double budgetPercent, long periodMs, long longWindowMs) {
        return BigDecimal.valueOf(budgetPercent)
                .multiply(BigDecimal.valueOf(periodMs))
                .divide(BigDecimal.valueOf(100L * longWindowMs), MathContext.DECIMAL64)
                .doubleValue();
    }

    private List<SloDefinition> parseAll(String text) {
        JsonNode root;
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SloConfigException(origin + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw fail("slos", "required (the file is empty)");
        }
        if (!root.isObject()) {
            throw new SloConfigException(origin + ": the top level must be a mapping with the key 'slos'");
        }
        checkFields(root, TOP_FIELDS, "");
        JsonNode list = root.get("slos");
        if (list == null || list.isNull()) {
            throw fail("slos", "required");
        }
        if (!list.isArray()) {
            throw fail("slos", "must be a list");
        }
        List<SloDefinition> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            slo = "#" + (i + 1);
            SloDefinition d = parseSlo(list.get(i));
            if (!names.add(d.name())) {
                throw fail("name", "duplicate SLO name");
            }
            out.add(d);
        }
        return out;
    }

    private SloDefinition parseSlo(JsonNode n) {
        if (!n.isObject()) {
            throw fail("", "each SLO must be a mapping");
        }
        String name = requiredText(n, "name");
        if (!NAME.matcher(name).matches()) {
            throw fail("name", "must match " + NAME.pattern() + ", got '" + name + "'");
        }
        slo = "'" + name + "'";
        checkFields(n, SLO_FIELDS, "");
        String service = requiredText(n, "service");
        if (service.isBlank()) {
            throw fail("service", "must not be empty");
        }
        String description = optionalText(n, "description", "");
        String runbook = optionalText(n, "runbook_url", "");
        SortedMap<String, String> labels = labels(n.get("labels"));

        JsonNode obj = n.get("objective");
        if (obj == null || obj.isNull()) {
            throw fail("objective", "required");
        }
        if (!obj.isNumber()) {
            throw fail("objective", "must be a number (percent, e.g. 99.9), got '" + obj.asText() + "'");
        }
        BigDecimal objective = obj.decimalValue();
        if (objective.signum() <= 0 || objective.compareTo(BigDecimal.valueOf(100)) >= 0) {
            throw fail("objective", "must be > 0 and < 100 (percent), got " + objective.toPlainString());
        }
        double budget = BigDecimal.valueOf(100).subtract(objective)
                .divide(BigDecimal.valueOf(100), MathContext.DECIMAL64).doubleValue();

        long period = DEFAULT_PERIOD_MS;
        if (present(n, "period")) {
            String p = text(n.get("period"), "period");
            period = Durations.parseMs(p);
            if (period < 0 || period % Durations.DAY_MS != 0 || period < Durations.DAY_MS || period > 90 * Durations.DAY_MS) {
                throw fail("period", "must be whole days from 1d to 90d, e.g. 30d, got '" + p + "'");
            }
        }

        JsonNode sli = n.get("sli");
        if (sli == null || sli.isNull()) {
            throw fail("sli", "required");
        }
        if (!sli.isObject()) {
            throw fail("sli", "must be a mapping with 'type' (availability or latency)");
        }
        checkFields(sli, SLI_FIELDS, "sli.");
        String type = requiredTextAt(sli, "type", "sli.type");
        SliType sliType;
        long threshold = 0;
        if (type.equals("availability")) {
            sliType = SliType.AVAILABILITY;
            if (present(sli, "threshold_ms")) {
                throw fail("sli.threshold_ms", "only allowed with type latency");
            }
        } else if (type.equals("latency")) {
            sliType = SliType.LATENCY;
            JsonNode t = sli.get("threshold_ms");
            if (t == null || t.isNull()) {
                throw fail("sli.threshold_ms", "required for type latency");
            }
            if (!t.isIntegralNumber() || t.asLong() <= 0) {
                throw fail("sli.threshold_ms", "must be a positive whole number of milliseconds, got '" + t.asText() + "'");
            }
            threshold = t.asLong();
        } else {
            throw fail("sli.type", "must be availability or latency, got '" + type + "'");
        }

        String groupBy = optionalText(n, "group_by", "");
        if (!groupBy.isEmpty() && !groupBy.equals("operation")) {
            throw fail("group_by", "must be operation (one instance per span name), got '" + groupBy + "'");
        }
        int maxInstances = DEFAULT_MAX_INSTANCES;
        if (present(n, "max_instances")) {
            maxInstances = (int) wholeNumber(n.get("max_instances"), "max_instances", 1, 100_000);
            if (groupBy.isEmpty()) {
                throw fail("max_instances", "only allowed with group_by");
            }
        }

        long minEvents = DEFAULT_MIN_EVENTS;
        long minBad = DEFAULT_MIN_BAD_EVENTS;
        long keep = DEFAULT_KEEP_FIRING_FOR_MS;
        List<BurnRule> rules = defaultRules(period);
        JsonNode alerting = n.get("alerting");
        if (alerting != null && !alerting.isNull()) {
            if (!alerting.isObject()) {
                throw fail("alerting", "must be a mapping");
            }
            checkFields(alerting, ALERTING_FIELDS, "alerting.");
            if (present(alerting, "min_events")) {
                minEvents = wholeNumber(alerting.get("min_events"), "alerting.min_events", 0, Long.MAX_VALUE);
            }
            if (present(alerting, "min_bad_events")) {
                minBad = wholeNumber(alerting.get("min_bad_events"), "alerting.min_bad_events", 0, Long.MAX_VALUE);
            }
            if (present(alerting, "keep_firing_for")) {
                String k = text(alerting.get("keep_firing_for"), "alerting.keep_firing_for");
                keep = Durations.parseMs(k);
                if (keep < 0) {
                    throw fail("alerting.keep_firing_for", "must be a duration like 0s, 2m or 1h, got '" + k + "'");
                }
            }
            if (present(alerting, "rules")) {
                rules = rules(alerting.get("rules"), period);
            }
        }
        return SloDefinition.create(name, service, description, runbook, labels, objective.doubleValue(), budget,
                period, sliType, threshold, groupBy, maxInstances, minEvents, minBad, keep, rules);
    }

    private List<BurnRule> rules(JsonNode list, long period) {
        if (!list.isArray() || list.isEmpty()) {
            throw fail("alerting.rules", "must be a non-empty list (leave it out for the SRE Workbook defaults)");
        }
        List<BurnRule> out = new ArrayList<>();
        Set<String> tiers = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "alerting.rules[" + i + "].";
            JsonNode r = list.get(i);
            if (!r.isObject()) {
                throw fail("alerting.rules[" + i + "]", "must be a mapping");
            }
            checkFields(r, RULE_FIELDS, at);
            String tier = requiredTextAt(r, "tier", at + "tier");
            if (!TIER.matcher(tier).matches()) {
                throw fail(at + "tier", "must match " + TIER.pattern() + ", got '" + tier + "'");
            }
            if (!tiers.add(tier)) {
                throw fail(at + "tier", "duplicate tier '" + tier + "'");
            }
            String sev = requiredTextAt(r, "severity", at + "severity");
            Severity severity;
            if (sev.equals("page")) {
                severity = Severity.PAGE;
            } else if (sev.equals("ticket")) {
                severity = Severity.TICKET;
            } else {
                throw fail(at + "severity", "must be page or ticket, got '" + sev + "'");
            }
            long longMs = window(r, "long_window", at);
            long shortMs = window(r, "short_window", at);
            if (shortMs >= longMs) {
                throw fail(at + "short_window", "must be shorter than long_window (" + Durations.format(longMs) + ")");
            }
            if (longMs > period) {
                throw fail(at + "long_window", "must not be longer than the period (" + Durations.format(period) + ")");
            }
            boolean hasBudget = present(r, "budget_percent");
            boolean hasRate = present(r, "burn_rate");
            if (hasBudget == hasRate) {
                throw fail(at + "budget_percent", "give exactly one of budget_percent and burn_rate");
            }
            if (hasBudget) {
                double b = positiveNumber(r.get("budget_percent"), at + "budget_percent");
                if (b > 100) {
                    throw fail(at + "budget_percent", "must be > 0 and <= 100, got " + r.get("budget_percent").asText());
                }
                out.add(new BurnRule(tier, severity, longMs, shortMs, factorFor(b, period, longMs), b));
            } else {
                out.add(new BurnRule(tier, severity, longMs, shortMs, positiveNumber(r.get("burn_rate"), at + "burn_rate"),
                        Double.NaN));
            }
        }
        return out;
    }

    private long window(JsonNode r, String key, String at) {
        String w = requiredTextAt(r, key, at + key);
        long ms = Durations.parseMs(w);
        if (ms < Durations.MINUTE_MS || ms % Durations.MINUTE_MS != 0) {
            throw fail(at + key, "must be whole minutes of at least 1m, e.g. 5m, 6h or 3d, got '" + w + "'");
        }
        return ms;
    }

    private SortedMap<String, String> labels(JsonNode n) {
        SortedMap<String, String> out = new TreeMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            throw fail("labels", "must be a mapping of label name to value");
        }
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (!LABEL.matcher(k).matches()) {
                throw fail("labels." + k, "label names must match " + LABEL.pattern());
            }
            if (RESERVED_LABELS.contains(k)) {
                throw fail("labels." + k, "reserved label, set by the engine");
            }
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw fail("labels." + k, "must be a plain value");
            }
            out.put(k, e.getValue().asText());
        }
        return out;
    }

    private void checkFields(JsonNode n, Set<String> allowed, String prefix) {
        Iterator<String> it = n.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw fail(prefix + f, "unknown field (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private static boolean present(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v != null && !v.isNull();
    }

    private String requiredText(JsonNode n, String key) {
        return requiredTextAt(n, key, key);
    }

    private String requiredTextAt(JsonNode n, String key, String field) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw fail(field, "required");
        }
        return text(v, field);
    }

    private String optionalText(JsonNode n, String key, String dflt) {
        return present(n, key) ? text(n.get(key), key) : dflt;
    }

    private String text(JsonNode v, String field) {
        if (!v.isValueNode()) {
            throw fail(field, "must be a plain value, not a list or mapping");
        }
        return v.asText();
    }

    private long wholeNumber(JsonNode v, String field, long min, long max) {
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw fail(field, "must be a whole number from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max)
                    + ", got '" + v.asText() + "'");
        }
        return v.asLong();
    }

    private double positiveNumber(JsonNode v, String field) {
        if (!v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) {
            throw fail(field, "must be a positive number, got '" + v.asText() + "'");
        }
        return v.asDouble();
    }

    private SloConfigException fail(String field, String problem) {
        StringBuilder m = new StringBuilder(origin).append(": ");
        if (slo != null) {
            m.append("SLO ").append(slo).append(": ");
        }
        if (!field.isEmpty()) {
            m.append("field '").append(field).append("': ");
        }
        return new SloConfigException(m.append(problem).toString());
    }
}
