package io.auspex.jobs.anomaly;

import io.auspex.jobs.alerts.Fingerprint;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.Severity;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by service: the anomaly alert lifecycle. A window is anomalous when the multivariate model
 * calls it so or at least one golden signal moved against its baseline. Fires a TICKET
 * {@code ServiceAnomaly} alert after {@code windowsToFire} consecutive anomalous windows; resolves
 * after as many consecutive quiet windows. The two detectors complement each other: the baselines
 * see a large move of one signal (a deep service's latency), the model a joint move of several, and
 * it does not adapt to a lasting shift as the baselines do. A window whose count-aware evidence
 * ({@link ServiceEvidence#countLevel} 1: errors, error logs or slow requests far beyond what the
 * service's counts allow) is abnormal fires at once: strong evidence needs no run of windows.
 * One fingerprint per service; never repeated while firing.
 *
 * <p>State: the run counters and, while firing, the start time. <b>Cleared</b> whenever the
 * service is quiet and not firing, so idle services hold no state.
 */
public final class AnomalyAlertFunction extends KeyedProcessFunction<String, ServiceEvidence, Alert> {
    private static final long serialVersionUID = 1L;
    public static final String ALERT_NAME = "ServiceAnomaly";

    private final int windowsToFire;
    private transient ValueState<AlertState> state;

    /** Flink POJO state. */
    public static class AlertState {
        public int anomalousRun;
        public int quietRun;
        public boolean firing;
        public long startsAtMs;
        public long firstAnomalousMs;

        public AlertState() {}
    }

    public AnomalyAlertFunction(int windowsToFire) {
        this.windowsToFire = windowsToFire;
    }

    @Override
    public void open(OpenContext ctx) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("anomaly-alert", Types.POJO(AlertState.class)));
    }

    @Override
    public void processElement(ServiceEvidence e, Context ctx, Collector<Alert> out) throws Exception {
        AlertState st = state.value();
        boolean countAbnormal = e.countLevel >= 1.0;
        boolean anomalous = e.modelAnomalous || e.movedSignals.length > 0 || countAbnormal;
        if (st == null) {
            if (!anomalous) {
                return;
            }
            st = new AlertState();
        }
        if (anomalous) {
            if (st.anomalousRun == 0) {
                st.firstAnomalousMs = e.windowEndMs;
            }
            st.anomalousRun++;
            st.quietRun = 0;
            if (!st.firing && (st.anomalousRun >= windowsToFire || countAbnormal)) {
                st.firing = true;
                st.startsAtMs = countAbnormal && e.countOnsetMs > 0 ? Math.min(st.firstAnomalousMs, e.countOnsetMs)
                        : st.firstAnomalousMs;
                out.collect(alert(e, AlertStatus.FIRING, st.startsAtMs, null));
            }
        } else {
            st.anomalousRun = 0;
            st.quietRun++;
            if (st.firing && st.quietRun >= windowsToFire) {
                out.collect(alert(e, AlertStatus.RESOLVED, st.startsAtMs, e.windowEndMs));
                st.firing = false;
            }
        }
        if (!st.firing && st.anomalousRun == 0) {
            state.clear();
        } else {
            state.update(st);
        }
    }

    static Map<String, String> labels(String service) {
        return ticketLabels(ALERT_NAME, service);
    }

    /** The identifying labels of a TICKET anomaly-rule alert (its fingerprint's input). */
    public static Map<String, String> ticketLabels(String alertName, String service) {
        Map<String, String> labels = new HashMap<>();
        labels.put("alertname", alertName);
        labels.put("service", service);
        labels.put("severity", "ticket");
        return labels;
    }

    /** The moved signals, and the count test behind a count-evidence alert when it is not among them. */
    static java.util.List<String> movedWithCount(ServiceEvidence e) {
        java.util.List<String> moved = new java.util.ArrayList<>(Arrays.asList(e.movedSignals));
        if (e.countLevel >= 1.0 && !e.countSignal.isEmpty() && !moved.contains(e.countSignal)) {
            moved.add(e.countSignal);
        }
        return moved;
    }

    private static Alert alert(ServiceEvidence e, AlertStatus status, long startsAt, Long endsAt) {
        Map<String, String> labels = labels(e.service);
        Map<String, String> annotations = new HashMap<>();
        annotations.put("summary", "Anomalous golden signals in " + e.service);
        annotations.put("description", "Model score " + String.format("%.3f", e.modelScore) + "; moved: "
                + String.join(", ", e.movedSignals)
                + (e.countLevel >= 1.0 ? String.format("; count evidence %.1f (%s)", e.countEvidence, e.countSignal)
                        : ""));
        return Alert.newBuilder()
                .setFingerprint(Fingerprint.of(labels))
                .setStatus(status)
                .setRule("anomaly")
                .setSeverity(Severity.TICKET)
                .setService(e.service)
                .setStartsAtMs(startsAt)
                .setEndsAtMs(endsAt)
                .setEventTimeMs(e.windowEndMs)
                .setLabels(labels)
                .setAnnotations(annotations)
                .setAnomalyScore(Double.isNaN(e.modelScore) ? null : e.modelScore)
                .setMovedSignals(movedWithCount(e))
                .build();
    }
}
