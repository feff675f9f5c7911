package io.auspex.models.detector;

/**
 * The onset filter: a row scores the excess of its surprise over a peak of recent surprises,
 * which decays by a factor {@code exp(-elapsed / noveltyDays)} with the series' own time and rises
 * by {@value #PEAK_ABSORPTION} of each excess, and over an aftershock bar, the whole surprise of the
 * last scoring row decaying by e per {@code aftershockHours}. The score is
 * {@code e / (e + halfScoreSurprise)}.
 *
 * <p>State: {@code peakSurprise} and {@code aftershockBar} of {@link DetectorState} (see
 * {@link Mapper}).
 */
final class NoveltyFilter {

    /**
     * When a row's surprise exceeds the peak, the peak rises by this fraction of the excess: an
     * anomaly raises the bar for the next one, but only halfway, so a second anomaly as strong as
     * the first still scores.
     */
    static final double PEAK_ABSORPTION = 0.5;

    private final double noveltySeconds;
    private final double aftershockSeconds;
    private final double halfScoreSurprise;
    private double peak;
    private double aftershockBar;

    NoveltyFilter(DetectorConfig config) {
        this.noveltySeconds = config.noveltyDays() * 86_400;
        this.aftershockSeconds = config.aftershockHours() * 3600.0;
        this.halfScoreSurprise = config.halfScoreSurprise();
    }

    /** The novelty score of a warm row with this surprise, {@code elapsed} seconds after the previous row. */
    double score(double surprise, long elapsed) {
        double previousPeak = peak;
        double excess = Math.max(0.0, surprise - Math.max(previousPeak, aftershockBar));
        aftershockBar *= Math.exp(-elapsed / aftershockSeconds);
        if (excess > 0) {
            peak = previousPeak + PEAK_ABSORPTION * excess;
            aftershockBar = Math.max(aftershockBar, surprise);
        } else {
            peak = Math.max(surprise, previousPeak * Math.exp(-elapsed / noveltySeconds));
        }
        return excess / (excess + halfScoreSurprise);
    }

    /** Between the novelty filter and a current-layout {@link DetectorState}. */
    static final class Mapper {

        private Mapper() {
        }

        static void toState(NoveltyFilter model, DetectorState s) {
            s.peakSurprise = model.peak;
            s.aftershockBar = model.aftershockBar;
        }

        static NoveltyFilter toModel(DetectorState s, DetectorConfig config) {
            if (!(s.peakSurprise >= 0) || !(s.aftershockBar >= 0)) {
                throw new IllegalArgumentException("detector state has a negative peak surprise or aftershock bar");
            }
            NoveltyFilter model = new NoveltyFilter(config);
            model.peak = s.peakSurprise;
            model.aftershockBar = s.aftershockBar;
            return model;
        }
    }
}
