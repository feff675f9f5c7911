package io.auspex.jobs.rca;

import io.auspex.jobs.anomaly.ServiceEvidence;
import io.auspex.jobs.graph.EdgeStats;

/** Union of the two inputs of {@link RcaServiceState}: exactly one field is set. */
public class RcaInput {
    public ServiceEvidence evidence;
    public EdgeStats edge;

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

    /** The service whose state the input updates: an edge's callee, the evidence's service. */
    public String key() {
        return edge != null ? edge.callee : evidence.service;
    }
}
