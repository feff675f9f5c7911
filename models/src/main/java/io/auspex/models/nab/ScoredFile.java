package io.auspex.models.nab;

import java.util.List;

/**
 * A detector's scores for one series, with the series' labelled windows.
 *
 * @param name the relative path of the file, {@code category/file.csv}
 * @param timestampsMicros every row's timestamp, in file order (normally non-decreasing)
 * @param scores every row's anomaly score
 * @param windows the labelled windows, in time order, not overlapping
 */
public record ScoredFile(String name, long[] timestampsMicros, double[] scores, List<NabWindow> windows) {

    public ScoredFile {
        if (timestampsMicros.length != scores.length) {
            throw new IllegalArgumentException(name + ": " + timestampsMicros.length + " timestamps but "
                    + scores.length + " scores");
        }
        windows = List.copyOf(windows);
    }

    /** The part of the name before the first '/', or "" when there is none. */
    public String category() {
        int slash = name.indexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }
}
