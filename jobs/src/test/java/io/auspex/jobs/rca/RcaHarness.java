package io.auspex.jobs.rca;

import io.auspex.schemas.Alert;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The two root-cause operators wired as {@link RcaStage} wires them, on Flink's operator test
 * harnesses: inputs to the per-service state, its views broadcast to the enricher and its edge
 * alerts into the enricher's alerts, each watermark passed on after the views and edge alerts it
 * released (as the network does: records before the watermark that follows them).
 */
public final class RcaHarness implements AutoCloseable {
    final KeyedOneInputStreamOperatorTestHarness<String, RcaInput, ServiceView> state;
    final KeyedBroadcastOperatorTestHarness<String, Alert, ServiceView, Alert> enricher;
    private int viewsSeen;
    private int edgeAlertsSeen;

    public RcaHarness(long lookbackMs, long edgeTtlMs, double signalThreshold) throws Exception {
        this(lookbackMs, edgeTtlMs, signalThreshold, 0, null, null);
    }

    public RcaHarness(long lookbackMs, long edgeTtlMs, double signalThreshold, double edgeAlertSurprise) throws Exception {
        this(lookbackMs, edgeTtlMs, signalThreshold, edgeAlertSurprise, null, null);
    }

    /** Both operators' state at a checkpoint. */
    public record Snapshot(OperatorSubtaskState state, OperatorSubtaskState enricher) {}

    /**
     * @param backend the state backend of both operators (null: the harness's heap backend)
     * @param restore a snapshot both operators restore from, or null
     */
    public RcaHarness(long lookbackMs, long edgeTtlMs, double signalThreshold, double edgeAlertSurprise,
            StateBackend backend, Snapshot restore) throws Exception {
        this(lookbackMs, edgeTtlMs, signalThreshold, edgeAlertSurprise, backend, restore, true);
    }

    /** @param edgeEvidence slowed and failing edges are evidence on their callee */
    public RcaHarness(long lookbackMs, long edgeTtlMs, double signalThreshold, double edgeAlertSurprise,
            StateBackend backend, Snapshot restore, boolean edgeEvidence) throws Exception {
        this(new RcaServiceState(lookbackMs, edgeTtlMs, signalThreshold, edgeAlertSurprise), lookbackMs, edgeTtlMs,
                backend, restore, edgeEvidence);
    }

    /** The per-service state function as given (e.g. with edge failures' count tests). */
    public RcaHarness(RcaServiceState function, long lookbackMs, long edgeTtlMs, StateBackend backend, Snapshot restore,
            boolean edgeEvidence) throws Exception {
        this(new KeyedProcessOperator<>(function), lookbackMs, edgeTtlMs, backend, restore, edgeEvidence);
    }

    /** The per-service state run by {@code operator} (the plain process operator, or {@link RcaServiceOperator}). */
    public RcaHarness(OneInputStreamOperator<RcaInput, ServiceView> operator, long lookbackMs, long edgeTtlMs,
            StateBackend backend, Snapshot restore, boolean edgeEvidence) throws Exception {
        state = new KeyedOneInputStreamOperatorTestHarness<>(operator, RcaInput::key, Types.STRING);
        enricher = new KeyedBroadcastOperatorTestHarness<>(new CoBroadcastWithKeyedOperator<>(
                new RootCauseEnricher(lookbackMs, edgeTtlMs, edgeEvidence), List.of(RootCauseEnricher.VIEWS)), Alert::getService,
                Types.STRING, 1, 1, 0);
        if (backend != null) {
            state.setStateBackend(backend);
            enricher.setStateBackend(backend);
        }
        if (restore != null) {
            state.initializeState(restore.state());
            enricher.initializeState(restore.enricher());
        }
        state.open();
        enricher.open();
    }

    /** Evidence or an edge of a window. */
    public void processElement(RcaInput in, long timestamp) throws Exception {
        state.processElement(in, timestamp);
    }

    /** An alert (anomaly or SLO) to enrich. */
    public void processAlert(Alert a, long timestamp) throws Exception {
        enricher.processElement(a, timestamp);
    }

    public void processWatermark(long t) throws Exception {
        state.processWatermark(new Watermark(t));
        List<ServiceView> views = state.extractOutputValues();
        for (ServiceView v : views.subList(viewsSeen, views.size())) {
            enricher.processBroadcastElement(v, v.asOfMs);
        }
        viewsSeen = views.size();
        List<StreamRecord<Alert>> edgeAlerts = new ArrayList<>(state.getSideOutput(RcaServiceState.EDGE_ALERTS) == null
                ? List.of() : state.getSideOutput(RcaServiceState.EDGE_ALERTS));
        for (StreamRecord<Alert> a : edgeAlerts.subList(edgeAlertsSeen, edgeAlerts.size())) {
            enricher.processElement(a);
        }
        edgeAlertsSeen = edgeAlerts.size();
        enricher.processWatermark(new Watermark(t));
        enricher.processBroadcastWatermark(new Watermark(t));
    }

    public Snapshot snapshot(long checkpointId) throws Exception {
        return new Snapshot(state.snapshot(checkpointId, checkpointId), enricher.snapshot(checkpointId, checkpointId));
    }

    public List<Alert> extractOutputValues() {
        return enricher.extractOutputValues();
    }

    /** The services the enricher keeps views of. */
    public java.util.Set<String> viewedServices() throws Exception {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (var e : enricher.getBroadcastState(RootCauseEnricher.VIEWS).entries()) {
            out.add(e.getKey());
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        state.close();
        enricher.close();
    }
}
