package io.auspex.models.nab;

/** NAB's three application profiles and their cost matrices (NAB's config/profiles.json). */
public enum NabProfile {
    STANDARD("standard", 1.0, 0.11, 1.0),
    REWARD_LOW_FP_RATE("reward_low_FP_rate", 1.0, 0.22, 1.0),
    REWARD_LOW_FN_RATE("reward_low_FN_rate", 1.0, 0.11, 2.0);

    private final String nabName;
    private final double tpWeight;
    private final double fpWeight;
    private final double fnWeight;

    NabProfile(String nabName, double tpWeight, double fpWeight, double fnWeight) {
        this.nabName = nabName;
        this.tpWeight = tpWeight;
        this.fpWeight = fpWeight;
        this.fnWeight = fnWeight;
    }

    /** The profile's name in NAB's results files. */
    public String nabName() {
        return nabName;
    }

    public double tpWeight() {
        return tpWeight;
    }

    public double fpWeight() {
        return fpWeight;
    }

    public double fnWeight() {
        return fnWeight;
    }
}
