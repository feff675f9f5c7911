package io.auspex.infra.fault;

import io.auspex.infra.runtime.TopicReader;
import io.auspex.schemas.Alert;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.OperationCounts;
import io.auspex.schemas.RecordIds;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SloStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Compares what a disturbed pipeline run wrote with what an undisturbed run of the same input
 * wrote, output by output: each record is identified by a key (what the record is about), then
 * counted as lost (in the undisturbed run only), extra (in the disturbed run only), duplicated
 * (a key written more than once) or changed (same key, other content).
 *
 * <p>Keys: an alert transition is its fingerprint, status and event time; a signals row its
 * record id {@code <service>@<window_end_ms>}; an SLO status and a dead letter their record ids
 * ({@link RecordIds}, the ids consumers deduplicate on).
 */
final class OutputComparison {
    private OutputComparison() {}

    /** Output topics of a run named {@code name}. */
    record Topics(String signals, String alerts, String sloStatus, String deadLetters) {
        static Topics of(String name) {
            return new Topics(name + "_signals", name + "_alerts", name + "_slo_status", name + "_dlq");
        }

        String[] all() {
            return new String[] {signals, alerts, sloStatus, deadLetters};
        }
    }

    /** Everything one run wrote, in topic order (partition by partition). */
    record Outputs(String name, List<Alert> alerts, List<ServiceSignals> signals, List<SloStatus> statuses,
            List<DeadLetter> deadLetters) {
        static Outputs read(String bootstrap, String name, Topics t) {
            return new Outputs(name, readAll(bootstrap, t.alerts(), Alert.class),
                    readAll(bootstrap, t.signals(), ServiceSignals.class),
                    readAll(bootstrap, t.sloStatus(), SloStatus.class),
                    readAll(bootstrap, t.deadLetters(), DeadLetter.class));
        }
    }

    static <T extends SpecificRecord> List<T> readAll(String bootstrap, String topic, Class<T> type) {
        List<T> out = new ArrayList<>();
        try (TopicReader<T> r = new TopicReader<>(bootstrap, topic, type)) {
            r.readToEnd(Duration.ofMillis(500), out::add);
        }
        return out;
    }

    /** One output of a disturbed run against the undisturbed run's. */
    record Diff(String output, int baseline, int records, int distinct, int lost, int extra, int duplicated,
            int changed, int copiesDiffering, List<String> examples) {
        /** Nothing lost, added, repeated or changed. */
        boolean identical() {
            return lost == 0 && extra == 0 && duplicated == 0 && changed == 0 && copiesDiffering == 0;
        }

        /** Nothing lost, added or changed; repeats (at-least-once) allowed if every copy is the same. */
        boolean sameAfterDeduplication() {
            return lost == 0 && extra == 0 && changed == 0 && copiesDiffering == 0;
        }

        String line() {
            return String.format("%-12s undisturbed %6d | disturbed %6d records, %6d distinct: lost %d, extra %d,"
                    + " duplicated %d, changed %d, copies differing %d%s", output, baseline, records, distinct, lost,
                    extra, duplicated, changed, copiesDiffering, examples.isEmpty() ? "" : "\n    " + String.join(
                            "\n    ", examples));
        }
    }

    /**
     * Compares {@code run} with {@code baseline}: records are matched by {@code key} and compared on
     * {@code content} (the record itself, or a view of it without fields that may legitimately
     * differ). Up to five examples of each kind of difference are kept, with the fields that differ.
     */
    static <T extends SpecificRecord> Diff compare(String output, List<T> baseline, List<T> run,
            Function<T, String> key, Function<T, ? extends SpecificRecord> content) {
        Map<String, T> base = new LinkedHashMap<>();
        for (T r : baseline) {
            base.putIfAbsent(key.apply(r), r);
        }
        Map<String, T> first = new LinkedHashMap<>();
        int duplicated = 0;
        int copiesDiffering = 0;
        List<String> examples = new ArrayList<>();
        int[] shown = new int[4];
        for (T r : run) {
            String k = key.apply(r);
            T earlier = first.putIfAbsent(k, r);
            if (earlier != null) {
                duplicated++;
                SpecificRecord a = content.apply(earlier);
                SpecificRecord b = content.apply(r);
                if (!a.equals(b)) {
                    copiesDiffering++;
                    if (shown[3]++ < 5) {
                        examples.add("copy differs " + k + ": " + differences(a, b));
                    }
                }
            }
        }
        int lost = 0;
        int changed = 0;
        for (Map.Entry<String, T> e : base.entrySet()) {
            T r = first.get(e.getKey());
            if (r == null) {
                lost++;
                if (shown[0]++ < 5) {
                    examples.add("lost " + e.getKey());
                }
                continue;
            }
            SpecificRecord a = content.apply(e.getValue());
            SpecificRecord b = content.apply(r);
            if (!a.equals(b)) {
                changed++;
                if (shown[1]++ < 5) {
                    examples.add("changed " + e.getKey() + ": " + differences(a, b));
                }
            }
        }
        int extra = 0;
        for (String k : first.keySet()) {
            if (!base.containsKey(k)) {
                extra++;
                if (shown[2]++ < 5) {
                    examples.add("extra " + k);
                }
            }
        }
        return new Diff(output, baseline.size(), run.size(), first.size(), lost, extra, duplicated, changed,
                copiesDiffering, examples);
    }

    /** Keys written more than once within one run. */
    static <T> int duplicates(List<T> records, Function<T, String> key) {
        return records.size() - (int) records.stream().map(key).distinct().count();
    }

    static String alertKey(Alert a) {
        return a.getFingerprint() + "/" + a.getStatus() + "@" + a.getEventTimeMs();
    }

    /** The whole alert: status, fingerprint, service, labels, annotations, root causes with their evidence, incident id. */
    static SpecificRecord alertContent(Alert a) {
        return a;
    }

    static String signalsKey(ServiceSignals s) {
        return RecordIds.of(s);
    }

    /**
     * A window's signals without the two fields that depend on the order records arrive in within
     * the window: {@code exemplar_trace_ids} (the first five failing traces to arrive) and
     * {@code error_log_templates}, each replaced by placeholders of the same count; operations in
     * name order. The same view as the end-to-end tests' (E2eRuns.comparable). Every count,
     * quantile, gauge and template count stays.
     */
    static SpecificRecord signalsContent(ServiceSignals s) {
        ServiceSignals.Builder b = ServiceSignals.newBuilder(s);
        b.setExemplarTraceIds(s.getExemplarTraceIds().stream().map(x -> "exemplar").toList());
        b.setErrorLogTemplates(s.getErrorLogTemplates().stream().map(x -> "template").toList());
        b.setOperations(s.getOperations().stream().sorted(Comparator.comparing(OperationCounts::getName)).toList());
        return b.build();
    }

    static String statusKey(SloStatus s) {
        return RecordIds.of(s);
    }

    static String deadLetterKey(DeadLetter d) {
        return RecordIds.of(d);
    }

    /** A dead letter without its processing-time fields (none today: the whole record). */
    static SpecificRecord deadLetterContent(DeadLetter d) {
        return d;
    }

    /** The fields in which two records of one schema differ, as paths ({@code root_causes[0].service: a -> b}). */
    static String differences(SpecificRecord a, SpecificRecord b) {
        List<String> out = new ArrayList<>();
        diff("", a, b, out);
        return out.size() <= 6 ? String.join("; ", out) : String.join("; ", out.subList(0, 6)) + "; ... ("
                + out.size() + " fields)";
    }

    private static void diff(String path, Object a, Object b, List<String> out) {
        if (Objects.equals(a, b)) {
            return;
        }
        if (a instanceof SpecificRecord ra && b instanceof SpecificRecord rb && ra.getSchema().equals(rb.getSchema())) {
            for (Schema.Field f : ra.getSchema().getFields()) {
                diff(path.isEmpty() ? f.name() : path + "." + f.name(), ra.get(f.pos()), rb.get(f.pos()), out);
            }
            return;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb && la.size() == lb.size()) {
            for (int i = 0; i < la.size(); i++) {
                diff(path + "[" + i + "]", la.get(i), lb.get(i), out);
            }
            return;
        }
        out.add(path + ": " + shorten(a) + " -> " + shorten(b));
    }

    private static String shorten(Object o) {
        String s = String.valueOf(o);
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
