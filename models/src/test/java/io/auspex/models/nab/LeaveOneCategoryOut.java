package io.auspex.models.nab;

import io.auspex.models.detector.DetectorConfig;
import io.auspex.models.testutil.ProjectData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Leave-one-category-out estimate of the detector's NAB score on series it was not tuned on: for
 * each category of the corpus (seven on the development set), the configuration <em>and</em> the
 * threshold are the pair that scores best on the <em>other</em> categories, among a list of
 * candidate configurations (the defaults, each component switched off, and each parameter's
 * neighbours) and a grid of thresholds (0.05 to 0.95 in steps of 0.005); the held-out category is
 * scored at that pair. The held-out raw scores are then summed and normalized as NAB does.
 *
 * <p>It prints three tables: every candidate's in-sample scores (NAB's exact threshold sweep, as
 * {@code nab-evaluate}) with its standard score per category; the same estimate with the threshold
 * alone chosen on the other categories for each candidate (so a component's gain is measured by
 * removing it, in-sample and held-out); and the estimate that chooses among all candidates. A main
 * class, not a test; command and results in docs/benchmarks.md.
 *
 * <p>Argument: the data folder (default {@code ../shared/data/nab} relative to the project root).
 */
public final class LeaveOneCategoryOut {

    private static final int THRESHOLDS = 181;

    /** A named configuration to choose from. */
    record Candidate(String name, DetectorConfig config) {
    }

    private LeaveOneCategoryOut() {
    }

    static double threshold(int i) {
        return 0.05 + i * 0.005;
    }

    /** The defaults, each component switched off through its parameters, and each parameter's neighbours. */
    static List<Candidate> candidates() {
        DetectorConfig d = DetectorConfig.DEFAULTS;
        List<Candidate> list = new ArrayList<>();
        list.add(new Candidate("defaults", d));
        list.add(new Candidate("no sustained view", d.withSustainedRows(0)));
        list.add(new Candidate("no records", with(d, "recordTolerance", 10.0)));
        list.add(new Candidate("no density", with(d, "densityRows", 10_000_000)));
        list.add(new Candidate("no aftershock bar", with(d, "aftershockHours", 1e-6)));
        list.add(new Candidate("sustainedRows 4", d.withSustainedRows(4)));
        list.add(new Candidate("sustainedRows 12", d.withSustainedRows(12)));
        list.add(new Candidate("recordDays 30", with(d, "recordDays", 30)));
        list.add(new Candidate("recordDays 90", with(d, "recordDays", 90)));
        list.add(new Candidate("recordTolerance 0.1", with(d, "recordTolerance", 0.1)));
        list.add(new Candidate("aftershockHours 4", with(d, "aftershockHours", 4.0)));
        list.add(new Candidate("aftershockHours 16", with(d, "aftershockHours", 16.0)));
        list.add(new Candidate("noveltyDays 14", with(d, "noveltyDays", 14.0)));
        list.add(new Candidate("noveltyDays 56", with(d, "noveltyDays", 56.0)));
        list.add(new Candidate("calibrationRows 1000", with(d, "calibrationRows", 1000)));
        list.add(new Candidate("calibrationRows 4000", with(d, "calibrationRows", 4000)));
        list.add(new Candidate("warmupRows 300", with(d, "warmupRows", 300)));
        return list;
    }

    /** {@code d} with one parameter changed. */
    static DetectorConfig with(DetectorConfig d, String name, double v) {
        return new DetectorConfig(
                name.equals("warmupRows") ? (int) v : d.warmupRows(), d.levelAlpha(), d.scaleAlpha(), d.longAlpha(),
                d.seasonBuckets(), d.seasonAlpha(),
                name.equals("calibrationRows") ? (int) v : d.calibrationRows(),
                name.equals("densityRows") ? (int) v : d.densityRows(),
                name.equals("noveltyDays") ? v : d.noveltyDays(), d.halfScoreSurprise(),
                name.equals("aftershockHours") ? v : d.aftershockHours(),
                name.equals("recordDays") ? (int) v : d.recordDays(),
                name.equals("recordTolerance") ? v : d.recordTolerance(), d.sustainedRows());
    }

    public static void main(String[] args) throws Exception {
        Path data = args.length > 0 ? Path.of(args[0]) : ProjectData.requireNabDirectory();
        NabLabels labels = NabLabels.read(data.resolve("combined_windows.json"));
        List<Candidate> candidates = candidates();
        List<List<ScoredFile>> runs = new ArrayList<>();
        System.out.println("In-sample (NAB's threshold sweep over all files): standard / low FP / low FN,"
                + " and the standard score per category");
        for (Candidate c : candidates) {
            List<ScoredFile> files = new NabCorpusRunner(c.config()).score(data, labels);
            runs.add(files);
            List<ProfileResult> r = NabScorer.evaluateAll(files);
            StringBuilder categories = new StringBuilder();
            for (Map.Entry<String, ProfileResult.CategoryScore> e : r.get(0).byCategory().entrySet()) {
                if (!Double.isNaN(e.getValue().normalized())) {
                    categories.append(String.format(Locale.ROOT, " %s %.2f", e.getKey(), e.getValue().normalized()));
                }
            }
            System.out.printf(Locale.ROOT, "  %-22s %6.2f %6.2f %6.2f |%s%n", c.name(), r.get(0).normalized(),
                    r.get(1).normalized(), r.get(2).normalized(), categories);
        }
        List<String> categories = new ArrayList<>(new TreeSet<>(runs.get(0).stream().map(ScoredFile::category).toList()));
        int[] windows = new int[categories.size()];
        for (ScoredFile f : runs.get(0)) {
            windows[categories.indexOf(f.category())] += f.windows().size();
        }
        double[][][][] raw = new double[NabProfile.values().length][][][];
        for (NabProfile profile : NabProfile.values()) {
            raw[profile.ordinal()] = rawScores(runs, categories, profile);
        }

        System.out.println();
        System.out.println("Leave-one-category-out, each candidate alone (the threshold chosen on the other categories):"
                + " standard / low FP / low FN");
        for (int c = 0; c < candidates.size(); c++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-22s", candidates.get(c).name()));
            for (NabProfile profile : NabProfile.values()) {
                Estimate e = estimate(raw[profile.ordinal()], windows, profile, c, c);
                line.append(String.format(Locale.ROOT, " %6.2f", e.combined()));
            }
            System.out.println(line);
        }

        System.out.println();
        System.out.println("Leave-one-category-out, " + candidates.get(0).name() + " alone, per held-out category:");
        for (NabProfile profile : NabProfile.values()) {
            System.out.printf(Locale.ROOT, "  %-18s%s%n", profile,
                    perCategory(estimate(raw[profile.ordinal()], windows, profile, 0, 0), categories, windows, profile,
                            candidates));
        }

        System.out.println();
        System.out.println("Leave-one-category-out, configuration and threshold chosen among all "
                + candidates.size() + " candidates on the other categories:");
        for (NabProfile profile : NabProfile.values()) {
            Estimate e = estimate(raw[profile.ordinal()], windows, profile, 0, candidates.size() - 1);
            System.out.printf(Locale.ROOT, "  %-18s%s%n", profile, perCategory(e, categories, windows, profile, candidates));
        }
    }

    private static String perCategory(Estimate e, List<String> categories, int[] windows, NabProfile profile,
                                      List<Candidate> candidates) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, " held-out categories combined %.2f",
                e.combined()));
        for (int k = 0; k < categories.size(); k++) {
            String score = windows[k] == 0
                    ? String.format(Locale.ROOT, "raw %.2f", e.raw[k])
                    : String.format(Locale.ROOT, "%.2f", normalized(e.raw[k], windows[k], profile));
            line.append(String.format(Locale.ROOT, "%n    %-22s %9s  (%s, threshold %.3f)", categories.get(k), score,
                    candidates.get(e.candidate[k]).name(), threshold(e.threshold[k])));
        }
        return line.toString();
    }

    /** {@code raw[candidate][category][threshold]}: the summed raw NAB score of the category's files. */
    private static double[][][] rawScores(List<List<ScoredFile>> runs, List<String> categories, NabProfile profile) {
        double[][][] raw = new double[runs.size()][categories.size()][THRESHOLDS];
        for (int c = 0; c < runs.size(); c++) {
            for (ScoredFile f : runs.get(c)) {
                int k = categories.indexOf(f.category());
                for (int t = 0; t < THRESHOLDS; t++) {
                    raw[c][k][t] += NabScorer.scoreFile(f, profile, threshold(t)).raw();
                }
            }
        }
        return raw;
    }

    /** Per held-out category: the candidate and threshold chosen on the others, and its raw score. */
    private record Estimate(int[] candidate, int[] threshold, double[] raw, double combined) {
    }

    private static Estimate estimate(double[][][] raw, int[] windows, NabProfile profile, int first, int last) {
        int categories = windows.length;
        int[] chosen = new int[categories];
        int[] thresholds = new int[categories];
        double[] heldOut = new double[categories];
        double total = 0;
        int allWindows = 0;
        for (int k = 0; k < categories; k++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int c = first; c <= last; c++) {
                for (int t = 0; t < THRESHOLDS; t++) {
                    double others = 0;
                    for (int o = 0; o < categories; o++) {
                        if (o != k) {
                            others += raw[c][o][t];
                        }
                    }
                    if (others > best + 1e-12) {
                        best = others;
                        chosen[k] = c;
                        thresholds[k] = t;
                    }
                }
            }
            heldOut[k] = raw[chosen[k]][k][thresholds[k]];
            total += heldOut[k];
            allWindows += windows[k];
        }
        return new Estimate(chosen, thresholds, heldOut, normalized(total, allWindows, profile));
    }

    private static double normalized(double raw, int windows, NabProfile profile) {
        double nullScore = -profile.fnWeight() * windows;
        double perfect = profile.tpWeight() * windows;
        return 100 * (raw - nullScore) / (perfect - nullScore);
    }
}
