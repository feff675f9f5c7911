package io.auspex.jobs.signals;

import io.auspex.models.logs.LogTemplate;
import io.auspex.models.logs.TemplateMiner;
import io.auspex.schemas.LogTemplateCount;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feeds one window's masked log lines, in text order, into the service's {@link TemplateMiner}
 * (so the result depends on the window's content and the miner only) and counts them by template:
 * the {@link LogTemplateSettings#TOP_TEMPLATES} templates with the most lines, then every other
 * template the window created or that has error lines in it (the count-aware evidence tests each
 * error template), at most {@link LogTemplateSettings#MAX_LISTED} in all, by count
 * descending (then error count descending, then template text). Keeps nothing between windows
 * itself; the miner is the state.
 */
final class WindowTemplates {
    private WindowTemplates() {}

    private static final class Tally {
        final long id;
        String template;
        long count;
        long errorCount;
        long firstSeenMs = Long.MAX_VALUE;
        boolean created;

        Tally(long id) {
            this.id = id;
        }
    }

    private static final Comparator<Tally> ORDER = Comparator.<Tally>comparingLong(t -> -t.count)
            .thenComparingLong(t -> -t.errorCount).thenComparing(t -> t.template).thenComparingLong(t -> t.id);

    static List<LogTemplateCount> mine(TemplateMiner miner, Map<String, SignalsAccumulator.LineCount> lines) {
        Map<Long, Tally> byId = new LinkedHashMap<>();
        // in text order, not arrival order: which line starts a template (and so its id) must not depend
        // on how the sources' partitions interleaved within the window
        List<Map.Entry<String, SignalsAccumulator.LineCount>> sorted = new ArrayList<>(lines.entrySet());
        sorted.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, SignalsAccumulator.LineCount> e : sorted) {
            SignalsAccumulator.LineCount c = e.getValue();
            TemplateMiner.Match m = miner.add(e.getKey(), c.count, c.errorCount, c.firstMs, c.lastMs);
            Tally t = byId.computeIfAbsent(m.id(), Tally::new);
            t.template = m.template();
            t.count += c.count;
            t.errorCount += c.errorCount;
            t.firstSeenMs = Math.min(t.firstSeenMs, c.firstMs);
            t.created |= m.created();
        }
        List<Tally> all = new ArrayList<>(byId.values());
        for (Tally t : all) {
            LogTemplate now = miner.get(t.id);
            if (now != null) { // null when a later line of the window evicted it
                t.template = now.template();
                t.firstSeenMs = now.firstSeenMs();
            }
        }
        all.sort(ORDER);
        List<LogTemplateCount> out = new ArrayList<>();
        for (int i = 0; i < all.size() && out.size() < LogTemplateSettings.MAX_LISTED; i++) {
            Tally t = all.get(i);
            if (i < LogTemplateSettings.TOP_TEMPLATES || t.created || t.errorCount > 0) {
                out.add(LogTemplateCount.newBuilder().setTemplateId(TemplateMiner.idString(t.id))
                        .setTemplate(t.template).setCount(t.count).setErrorCount(t.errorCount)
                        .setFirstSeenMs(t.firstSeenMs).setNewTemplate(t.created).build());
            }
        }
        return out;
    }
}
