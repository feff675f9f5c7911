package io.auspex.models.nab;

/**
 * One file's part of a profile's result at the corpus-wide threshold.
 *
 * @param name the file's relative path
 * @param raw the file's raw NAB score (its false positives plus its windows' rewards or penalties)
 * @param windows labelled windows of the file
 * @param detectedWindows windows with at least one detection after probation
 * @param falsePositives detections outside every window, after probation
 */
public record FileScore(String name, double raw, int windows, int detectedWindows, int falsePositives) {
}
