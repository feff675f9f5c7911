package io.auspex.models.nab;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NAB's result for one profile over a corpus.
 *
 * @param profile the cost matrix used
 * @param threshold the corpus-wide threshold the sweep chose (1.1 means "never detect")
 * @param raw the corpus's raw score at that threshold
 * @param nullScore the raw score of a detector that never fires: {@code -fnWeight * windows}
 * @param perfectScore the raw score of a perfect detector: {@code tpWeight * windows}
 * @param files every file's part, in input order
 */
public record ProfileResult(NabProfile profile, double threshold, double raw, double nullScore,
                            double perfectScore, List<FileScore> files) {

    public ProfileResult {
        files = List.copyOf(files);
    }

    /** NAB's normalized score, {@code 100 * (raw - null) / (perfect - null)}; NaN for a corpus without windows. */
    public double normalized() {
        return normalize(raw, nullScore, perfectScore);
    }

    /**
     * The result split by category (the part of each file name before '/'), each normalized
     * against its own null and perfect scores, at the corpus-wide threshold.
     */
    public Map<String, CategoryScore> byCategory() {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (FileScore file : files) {
            int slash = file.name().indexOf('/');
            String category = slash < 0 ? "" : file.name().substring(0, slash);
            double[] sum = sums.computeIfAbsent(category, c -> new double[5]);
            sum[0] += file.raw();
            sum[1] += file.windows();
            sum[2] += file.detectedWindows();
            sum[3] += file.falsePositives();
            sum[4] += 1;
        }
        Map<String, CategoryScore> result = new LinkedHashMap<>();
        sums.forEach((category, sum) -> {
            int windows = (int) sum[1];
            double nul = -profile.fnWeight() * windows;
            double perfect = profile.tpWeight() * windows;
            result.put(category, new CategoryScore(category, (int) sum[4], sum[0], nul, perfect, windows,
                    (int) sum[2], (int) sum[3]));
        });
        return result;
    }

    static double normalize(double raw, double nul, double perfect) {
        if (perfect == nul) {
            return Double.NaN;
        }
        return 100.0 * (raw - nul) / (perfect - nul);
    }

    /**
     * A category's part of the result.
     *
     * @param category the category name
     * @param files number of files
     * @param raw summed raw score
     * @param nullScore {@code -fnWeight * windows}
     * @param perfectScore {@code tpWeight * windows}
     * @param windows labelled windows
     * @param detectedWindows windows detected
     * @param falsePositives detections outside windows
     */
    public record CategoryScore(String category, int files, double raw, double nullScore, double perfectScore,
                                int windows, int detectedWindows, int falsePositives) {

        /** Normalized like the corpus score; NaN for a category without windows. */
        public double normalized() {
            return normalize(raw, nullScore, perfectScore);
        }
    }
}
