package io.auspex.models.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores detector output the way NAB v1.1 does (nab/sweeper.py, nab/runner.py):
 *
 * <ol>
 *   <li>Rows {@code i < min(floor(0.15 * rows), 750)} are probation: never detections, never counted.</li>
 *   <li>Every row gets a weighted reward it would earn as a detection. Inside a window of width
 *       {@code w} whose last row is {@code r}: {@code tpWeight * S(-(r - i + 1) / w) / S(-1)}.
 *       Outside: {@code fpWeight * S(|i - r'| / (w' - 1))} measured from the preceding window,
 *       {@code fpWeight * S(3) = -fpWeight} before any window; with
 *       {@code S(y) = 2 / (1 + e^(5y)) - 1} and {@code S(y) = -1} for {@code y >= 3}.</li>
 *   <li>A window is entered at the first row (after the previous window) whose timestamp equals
 *       its start and left after the first row from there whose timestamp equals its end; rows are
 *       taken in file order, also where a clock step back breaks time order. Only the best (that is, first) detection in a window
 *       counts; a window with at least one row after probation and no detection costs
 *       {@code fnWeight}.</li>
 *   <li>One threshold for the whole corpus and each profile: a sweep over every distinct score,
 *       from the top down (starting at 1.1, no detections), keeps the threshold with the highest
 *       total, the highest such threshold on ties. A row is a detection when score >= threshold.</li>
 *   <li>Normalized score {@code 100 * (raw - null) / (perfect - null)} with
 *       {@code null = -fnWeight * windows} and {@code perfect = tpWeight * windows}.</li>
 * </ol>
 */
public final class NabScorer {

    /** Threshold that the sweep starts from: above every score, so nothing is detected. */
    public static final double NO_DETECTION_THRESHOLD = 1.1;

    private static final double PROBATION_PERCENT = 0.15;
    private static final double MAX_TP = scaledSigmoid(-1.0);

    private NabScorer() {
    }

    /** NAB's probationary length for a file of {@code rows} rows: rows with a smaller index are not scored. */
    public static double probationLength(int rows) {
        return Math.min(Math.floor(PROBATION_PERCENT * rows), PROBATION_PERCENT * 5000);
    }

    /** NAB's scaled sigmoid: {@code 2 / (1 + e^(5y)) - 1}, and -1 for {@code y >= 3}. */
    public static double scaledSigmoid(double y) {
        if (y >= 3.0) {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * y)) - 1.0;
    }

    /** Evaluates the corpus under one profile. */
    public static ProfileResult evaluate(List<ScoredFile> files, NabProfile profile) {
        List<FileSweep> sweeps = new ArrayList<>(files.size());
        int windowOffset = 0;
        int totalWindows = 0;
        for (ScoredFile file : files) {
            FileSweep sweep = sweep(file, profile, windowOffset);
            sweeps.add(sweep);
            windowOffset += file.windows().size();
            totalWindows += file.windows().size();
        }
        double threshold = bestThreshold(sweeps, windowOffset, profile);
        List<FileScore> fileScores = new ArrayList<>(files.size());
        double raw = 0;
        for (FileSweep sweep : sweeps) {
            FileScore score = sweep.scoreAt(threshold, profile);
            fileScores.add(score);
            raw += score.raw();
        }
        return new ProfileResult(profile, threshold, raw, -profile.fnWeight() * totalWindows,
                profile.tpWeight() * totalWindows, fileScores);
    }

    /** Evaluates the corpus under all three profiles, in {@link NabProfile} order. */
    public static List<ProfileResult> evaluateAll(List<ScoredFile> files) {
        List<ProfileResult> results = new ArrayList<>();
        for (NabProfile profile : NabProfile.values()) {
            results.add(evaluate(files, profile));
        }
        return results;
    }

    /** One file's score under a profile at a given threshold (a row is a detection when score >= threshold). */
    public static FileScore scoreFile(ScoredFile file, NabProfile profile, double threshold) {
        return sweep(file, profile, 0).scoreAt(threshold, profile);
    }

    private static double bestThreshold(List<FileSweep> sweeps, int windowCount, NabProfile profile) {
        int rows = 0;
        for (FileSweep sweep : sweeps) {
            rows += sweep.scores.length;
        }
        double[] scores = new double[rows];
        double[] rewards = new double[rows];
        int[] windows = new int[rows];
        boolean[] scorableWindow = new boolean[windowCount];
        int k = 0;
        for (FileSweep sweep : sweeps) {
            for (int i = 0; i < sweep.scores.length; i++) {
                scores[k] = sweep.scores[i];
                rewards[k] = sweep.rewards[i];
                windows[k] = sweep.windows[i] < 0 ? -1 : sweep.windowOffset + sweep.windows[i];
                if (windows[k] >= 0) {
                    scorableWindow[windows[k]] = true;
                }
                k++;
            }
        }
        Integer[] order = new Integer[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));

        double[] windowPart = new double[windowCount];
        double windowSum = 0;
        for (int w = 0; w < windowCount; w++) {
            if (scorableWindow[w]) {
                windowPart[w] = -profile.fnWeight();
                windowSum += windowPart[w];
            }
        }
        double fpSum = 0;
        double current = NO_DETECTION_THRESHOLD;
        double best = current;
        double bestTotal = fpSum + windowSum;
        for (Integer index : order) {
            int row = index;
            if (scores[row] != current) {
                double total = fpSum + windowSum;
                if (total > bestTotal) {
                    bestTotal = total;
                    best = current;
                }
                current = scores[row];
            }
            int w = windows[row];
            if (w < 0) {
                fpSum += rewards[row];
            } else if (rewards[row] > windowPart[w]) {
                windowSum += rewards[row] - windowPart[w];
                windowPart[w] = rewards[row];
            }
        }
        double total = fpSum + windowSum;
        if (total > bestTotal) {
            best = current;
        }
        return best;
    }

    private static FileSweep sweep(ScoredFile file, NabProfile profile, int windowOffset) {
        long[] ts = file.timestampsMicros();
        double[] scores = file.scores();
        List<NabWindow> windows = file.windows();
        int n = ts.length;
        int[] startIndex = new int[windows.size()];
        int[] endIndex = new int[windows.size()];
        for (int w = 0; w < windows.size(); w++) {
            NabWindow window = windows.get(w);
            if (w > 0 && window.startMicros() <= windows.get(w - 1).endMicros()) {
                throw new IllegalArgumentException(file.name() + ": window " + (w + 1)
                        + " starts before the previous window ends (windows must be in order and disjoint)");
            }
            startIndex[w] = firstIndexOf(ts, window.startMicros(), w > 0 ? endIndex[w - 1] + 1 : 0);
            endIndex[w] = startIndex[w] < 0 ? -1 : firstIndexOf(ts, window.endMicros(), startIndex[w]);
            if (startIndex[w] < 0 || endIndex[w] < 0) {
                throw new IllegalArgumentException(file.name() + ": window " + (w + 1)
                        + " does not start and end on a row's timestamp");
            }
        }
        double probation = probationLength(n);
        int scorable = 0;
        for (int i = 0; i < n; i++) {
            if (i >= probation) {
                scorable++;
            }
        }
        FileSweep sweep = new FileSweep(file.name(), windows.size(), windowOffset, scorable);
        int next = 0;
        int current = -1;
        int currentRight = -1;
        double currentWidth = 0;
        int previousRight = -1;
        double previousWidth = 0;
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (next < windows.size() && i == startIndex[next]) {
                current = next;
                currentRight = endIndex[next];
                currentWidth = currentRight - startIndex[next] + 1;
                next++;
            }
            double reward;
            if (current >= 0) {
                double position = -(currentRight - i + 1) / currentWidth;
                reward = scaledSigmoid(position) * profile.tpWeight() / MAX_TP;
            } else {
                double position = previousRight < 0 ? 3.0 : Math.abs(previousRight - i) / (previousWidth - 1);
                reward = scaledSigmoid(position) * profile.fpWeight();
            }
            if (i >= probation) {
                sweep.scores[k] = scores[i];
                sweep.rewards[k] = reward;
                sweep.windows[k] = current;
                k++;
            }
            if (current >= 0 && i == endIndex[current]) {
                previousRight = i;
                previousWidth = currentWidth;
                current = -1;
            }
        }
        return sweep;
    }

    /**
     * The first row at or after {@code from} stamped {@code key}, or -1. A linear scan, not a
     * binary search: rows are in file order, which a clock step back can take out of time order.
     */
    private static int firstIndexOf(long[] ts, long key, int from) {
        for (int i = Math.max(0, from); i < ts.length; i++) {
            if (ts[i] == key) {
                return i;
            }
        }
        return -1;
    }

    /** The scorable (post-probation) rows of one file with the reward each would earn as a detection. */
    private static final class FileSweep {
        final String name;
        final int windowCount;
        final int windowOffset;
        final double[] scores;
        final double[] rewards;
        final int[] windows;

        FileSweep(String name, int windowCount, int windowOffset, int rows) {
            this.name = name;
            this.windowCount = windowCount;
            this.windowOffset = windowOffset;
            this.scores = new double[rows];
            this.rewards = new double[rows];
            this.windows = new int[rows];
        }

        FileScore scoreAt(double threshold, NabProfile profile) {
            double[] best = new double[windowCount];
            boolean[] scorable = new boolean[windowCount];
            boolean[] detected = new boolean[windowCount];
            double fp = 0;
            int falsePositives = 0;
            for (int i = 0; i < scores.length; i++) {
                int w = windows[i];
                if (w >= 0) {
                    scorable[w] = true;
                }
                if (scores[i] < threshold) {
                    continue;
                }
                if (w < 0) {
                    fp += rewards[i];
                    falsePositives++;
                } else if (!detected[w] || rewards[i] > best[w]) {
                    detected[w] = true;
                    best[w] = rewards[i];
                }
            }
            double raw = fp;
            int detectedWindows = 0;
            for (int w = 0; w < windowCount; w++) {
                if (detected[w]) {
                    raw += best[w];
                    detectedWindows++;
                } else if (scorable[w]) {
                    raw -= profile.fnWeight();
                }
            }
            return new FileScore(name, raw, windowCount, detectedWindows, falsePositives);
        }
    }
}
