package io.auspex.jobs.graph;

import io.auspex.jobs.decode.Telemetry;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The service graph's pairing operator in a harness, fed telemetry as the job feeds it: through
 * {@link GraphInputs} (with the error lines kept), so what the job leaves out of the graph's
 * shuffle never reaches the operator here either.
 */
final class GraphHarness extends KeyedOneInputStreamOperatorTestHarness<String, GraphEvent, ServiceCall> {

    GraphHarness(EdgeExtractor op, int maxParallelism, int parallelism, int subtask) throws Exception {
        super(op, GraphEvent::traceId, Types.STRING, maxParallelism, parallelism, subtask);
    }

    /** The record as the job's {@code spans-only} step hands it on; nothing when it drops it. */
    void processElement(Telemetry t, long timestamp) throws Exception {
        GraphEvent e = GraphEvent.from(t, true);
        if (e != null) {
            processElement(e, timestamp);
        }
    }
}
