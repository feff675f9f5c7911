package io.auspex.infra.sim;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What was injected into one simulated run: the labels a detector is scored against.
 *
 * @param scenario scenario name
 * @param seed the run's seed
 * @param startMs first event time of the run (epoch ms)
 * @param endMs end of the run (epoch ms, exclusive)
 * @param incidents the injected faults, each with the services where it is expected to show
 */
public record GroundTruth(String scenario, long seed, long startMs, long endMs, List<LabelledIncident> incidents) {

    /**
     * One injected fault and where it shows.
     *
     * @param incident the fault; {@code incident.service()} is the root cause
     * @param affectedServices the root-cause service and every service that calls it directly or
     *     transitively (its faults propagate there), root cause first
     */
    public record LabelledIncident(Incident incident, List<String> affectedServices) {
        public LabelledIncident {
            Objects.requireNonNull(incident, "incident");
            affectedServices = List.copyOf(affectedServices);
        }
    }

    public GroundTruth {
        Objects.requireNonNull(scenario, "scenario");
        incidents = List.copyOf(incidents);
    }

    /** The ground truth of a config: its incidents, labelled with the services upstream of each. */
    public static GroundTruth of(SimulatorConfig config) {
        Topology topology = config.topology();
        List<LabelledIncident> labelled = config.incidents().stream()
                .map(i -> {
                    Set<String> up = topology.upstreamOf(i.service());
                    return new LabelledIncident(i, List.copyOf(up));
                })
                .toList();
        return new GroundTruth(config.scenarioName(), config.seed(), config.startMs(), config.endMs(), labelled);
    }

    /** The bare incidents. */
    public List<Incident> incidentList() {
        return incidents.stream().map(LabelledIncident::incident).toList();
    }
}
