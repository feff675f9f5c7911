package io.auspex.jobs.rca;

import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.jobs.graph.EdgeStats;
import io.auspex.schemas.Alert;

/** Union of the three inputs of {@link RootCauseEnricher}: exactly one field is set. */
public class RcaInput {
    /** All inputs share one key: the service graph is small and global. */
    public static final String GLOBAL_KEY = "graph";

    public ServiceEvidence evidence;
    public EdgeStats edge;
    public Alert alert;

    public RcaInput() {}

    public static RcaInput of(ServiceEvidence e) {
        RcaInput in = new RcaInput();
        in.evidence = e;
        return in;
    }

    public static RcaInput of(EdgeStats e) {
        RcaInput in = new RcaInput();
        in.edge = e;
        return in;
    }

    public static RcaInput of(Alert a) {
        RcaInput in = new RcaInput();
        in.alert = a;
        return in;
    }

    public String key() {
        return GLOBAL_KEY;
    }
}
