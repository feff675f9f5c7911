package io.auspex.models.nab;

import io.auspex.models.detector.DetectorConfig;
import io.auspex.models.testutil.ProjectData;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How much of the development-set score rests on choosing the threshold with the answers in view:
 * for each category, the threshold is the best one (a grid of 0.005 steps from 0.05 to 0.95) for
 * the <em>other</em> categories, and the held-out category is scored at it; the held-out scores are
 * then combined and normalized as NAB does. A main class, not a test; command and results in
 * docs/benchmarks.md. The detector's own parameters were still chosen on every category, so this
 * is an optimistic estimate of the score on unseen series.
 *
 * <p>Argument: the data folder (default {@code ../shared/data/nab} relative to the project root).
 */
public final class LeaveOneCategoryOut {

    private LeaveOneCategoryOut() {
    }

    public static void main(String[] args) throws Exception {
        Path data = args.length > 0 ? Path.of(args[0]) : ProjectData.requireNabDirectory();
        NabLabels labels = NabLabels.read(data.resolve("combined_windows.json"));
        List<ScoredFile> files = new NabCorpusRunner(DetectorConfig.DEFAULTS).score(data, labels);
        Set<String> categories = new TreeSet<>();
        files.forEach(f -> categories.add(f.category()));
        for (NabProfile profile : NabProfile.values()) {
            double raw = 0;
            double nullScore = 0;
            double perfect = 0;
            for (String heldOut : categories) {
                double threshold = bestThreshold(files, heldOut, profile);
                double categoryRaw = 0;
                int windows = 0;
                for (ScoredFile f : files) {
                    if (f.category().equals(heldOut)) {
                        categoryRaw += NabScorer.scoreFile(f, profile, threshold).raw();
                        windows += f.windows().size();
                    }
                }
                raw += categoryRaw;
                nullScore -= profile.fnWeight() * windows;
                perfect += profile.tpWeight() * windows;
                double normalized = windows == 0 ? Double.NaN
                        : 100 * (categoryRaw + profile.fnWeight() * windows)
                                / (profile.tpWeight() * windows + profile.fnWeight() * windows);
                System.out.printf("%-18s %-22s threshold from the others %.3f  score %s%n", profile, heldOut, threshold,
                        windows == 0 ? String.format("raw %.2f", categoryRaw) : String.format("%.2f", normalized));
            }
            System.out.printf("%-18s held-out categories combined: %.2f%n", profile,
                    100 * (raw - nullScore) / (perfect - nullScore));
        }
    }

    private static double bestThreshold(List<ScoredFile> files, String heldOut, NabProfile profile) {
        double best = Double.NEGATIVE_INFINITY;
        double bestThreshold = NabScorer.NO_DETECTION_THRESHOLD;
        for (int i = 0; i <= 180; i++) {
            double threshold = 0.05 + i * 0.005;
            double raw = 0;
            for (ScoredFile f : files) {
                if (!f.category().equals(heldOut)) {
                    raw += NabScorer.scoreFile(f, profile, threshold).raw();
                }
            }
            if (raw > best) {
                best = raw;
                bestThreshold = threshold;
            }
        }
        return bestThreshold;
    }
}
