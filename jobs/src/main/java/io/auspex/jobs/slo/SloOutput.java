package io.auspex.jobs.slo;

import io.auspex.schemas.Alert;
import io.auspex.schemas.SloStatus;

/** Where the engine puts its results. */
public interface SloOutput {
    void alert(Alert alert);

    void status(SloStatus status);

    /** A group_by value beyond the SLO's max_instances was dropped (once per signal window). */
    default void droppedInstance(SloDefinition slo, String instance) {}

    /** A latency SLO's threshold was missing from a signal (the signals stage does not count it yet). */
    default void missingThreshold(SloDefinition slo) {}
}
