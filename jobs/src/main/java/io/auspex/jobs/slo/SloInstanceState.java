package io.auspex.jobs.slo;

import java.util.ArrayList;
import java.util.List;

/**
 * Mutable state of one SLO instance (an SLO, or one operation of a grouped SLO): two count
 * rings and the alert state of each rule. Serialized by {@link SloInstanceStateCodec}.
 */
public final class SloInstanceState {
    static final long NONE = Long.MIN_VALUE;

    /** {@link SloDefinition#identity()} the counts were made under. */
    String identity;
    /** Start of the first window seen: the history starts here. */
    long firstDataMs = NONE;
    /** End of the newest window evaluated. */
    long lastEvalMs = NONE;
    /** End of the newest window that held an event. */
    long lastEventMs = NONE;
    /** Minute (epoch minutes) of the newest window evaluated; its status is emitted when a later minute starts. */
    long statusMinute = NONE;
    CountRing minutes;
    CountRing hours;
    List<RuleState> rules = new ArrayList<>();

    SloInstanceState(String identity, int minuteBuckets, int hourBuckets) {
        this.identity = identity;
        this.minutes = new CountRing(Durations.MINUTE_MS, minuteBuckets);
        this.hours = new CountRing(Durations.HOUR_MS, hourBuckets);
    }

    /** Alert state of one rule, matched to the rule by tier. */
    static final class RuleState {
        final String tier;
        boolean firing;
        long startsAtMs = NONE;
        /** When the condition cleared while firing (resolution on hold), else NONE. */
        long clearSinceMs = NONE;

        RuleState(String tier) {
            this.tier = tier;
        }
    }

    public boolean firing(String tier) {
        for (RuleState r : rules) {
            if (r.tier.equals(tier)) {
                return r.firing;
            }
        }
        return false;
    }

    public boolean anyFiring() {
        for (RuleState r : rules) {
            if (r.firing) {
                return true;
            }
        }
        return false;
    }

    public int minuteBuckets() {
        return minutes.size();
    }

    public int hourBuckets() {
        return hours.size();
    }

    public long firstDataMs() {
        return firstDataMs;
    }

    /** End of the newest window evaluated, or {@link Long#MIN_VALUE} before any. */
    public long lastEvalMs() {
        return lastEvalMs;
    }
}
