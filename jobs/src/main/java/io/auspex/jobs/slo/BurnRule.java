package io.auspex.jobs.slo;

import io.auspex.schemas.Severity;
import java.io.Serializable;

/**
 * One multi-window burn-rate rule: fire when the burn rate over both {@code longWindowMs} and
 * {@code shortWindowMs} is at least {@code factor}.
 *
 * @param tier unique name of the rule within its SLO, the {@code burn_tier} label (fast, medium, slow, very_slow by default)
 * @param severity page or ticket
 * @param longWindowMs the long window
 * @param shortWindowMs the short (reset) window, shorter than the long one
 * @param factor burn-rate threshold, e.g. 14.4
 * @param budgetPercent share of the period's error budget the rule stands for (factor = budgetPercent/100 * period / longWindow);
 *     NaN when the file gives {@code burn_rate} directly
 */
public record BurnRule(String tier, Severity severity, long longWindowMs, long shortWindowMs, double factor, double budgetPercent)
        implements Serializable {

    public String longWindow() {
        return Durations.format(longWindowMs);
    }

    public String shortWindow() {
        return Durations.format(shortWindowMs);
    }

    /** The {@code rule} field of an alert: {@code slo_burn_<tier>}. */
    public String ruleName() {
        return "slo_burn_" + tier;
    }
}
