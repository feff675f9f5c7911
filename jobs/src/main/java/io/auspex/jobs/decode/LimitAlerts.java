package io.auspex.jobs.decode;

import io.auspex.jobs.alerts.Fingerprint;
import io.auspex.jobs.anomaly.AnomalyAlertFunction;
import io.auspex.schemas.Alert;
import io.auspex.schemas.AlertStatus;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.Severity;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * An alert on the Auspex job itself: {@value #ALERT_NAME} (TICKET, service {@value #SERVICE})
 * fires at the first record refused because {@code auspex.limits.max-services} is reached (a
 * {@code service_limit} dead letter), and resolves once no record was refused for
 * {@link #QUIET_MS} of event time. Its summary names the option and the number of records
 * refused in the minute it fired; the dead letters name each refused service.
 *
 * <p>Keyed by the constant {@value #SERVICE} (refusals are rare, and cheap: two value-state
 * reads per refused record). State: the start of the firing alert and the event time of the last
 * refusal; one timer per minute of refusals at most (the timer time is rounded up to the minute).
 * <b>Cleared</b> when the alert resolves.
 */
public final class LimitAlerts extends KeyedProcessFunction<String, DeadLetter, Alert> {
    private static final long serialVersionUID = 1L;
    public static final String ALERT_NAME = "AuspexServiceLimit";
    public static final String SERVICE = "auspex";
    public static final String RULE = "auspex_limits";
    /** No refusal for this long (event time) resolves the alert. */
    public static final long QUIET_MS = 10 * 60_000L;

    private final int maxServices;
    private transient ValueState<Long> firingSince;
    private transient ValueState<Long> lastRefusal;

    public LimitAlerts(int maxServices) {
        this.maxServices = maxServices;
    }

    /** Whether a dead letter is a record refused at the service limit. */
    public static boolean refusal(DeadLetter d) {
        return ServiceAdmission.REASON.contentEquals(d.getReason());
    }

    public static String key(DeadLetter d) {
        return SERVICE;
    }

    @Override
    public void open(OpenContext ctx) {
        firingSince = getRuntimeContext().getState(new ValueStateDescriptor<>("limit-firing-since", Types.LONG));
        lastRefusal = getRuntimeContext().getState(new ValueStateDescriptor<>("limit-last-refusal", Types.LONG));
    }

    @Override
    public void processElement(DeadLetter d, Context ctx, Collector<Alert> out) throws Exception {
        long t = ctx.timestamp() != null ? ctx.timestamp() : d.getTimestampMs();
        Long since = firingSince.value();
        if (since == null) {
            firingSince.update(t);
            out.collect(alert(AlertStatus.FIRING, t, null, t, String.format(
                    "Auspex refuses records of new services: auspex.limits.max-services (%d) is reached; their "
                            + "records go to the dead-letter topic with reason service_limit, and a service "
                            + "is retired after auspex.anomaly.retire-after without records", maxServices)));
        }
        Long last = lastRefusal.value();
        if (last == null || t > last) {
            lastRefusal.update(t);
            ctx.timerService().registerEventTimeTimer((t / 60_000L + 1) * 60_000L + QUIET_MS);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Long since = firingSince.value();
        Long last = lastRefusal.value();
        if (since == null || last == null || last + QUIET_MS > timestamp) {
            return;
        }
        out.collect(alert(AlertStatus.RESOLVED, since, timestamp, timestamp,
                "Auspex admits records of every live service again"));
        firingSince.clear();
        lastRefusal.clear();
    }

    static Alert alert(AlertStatus status, long startsAt, Long endsAt, long now, String summary) {
        Map<String, String> labels = AnomalyAlertFunction.ticketLabels(ALERT_NAME, SERVICE);
        Map<String, String> annotations = new HashMap<>();
        annotations.put("summary", summary);
        return Alert.newBuilder().setFingerprint(Fingerprint.of(labels)).setStatus(status).setRule(RULE)
                .setSeverity(Severity.TICKET).setService(SERVICE).setStartsAtMs(startsAt).setEndsAtMs(endsAt)
                .setEventTimeMs(now).setLabels(labels).setAnnotations(annotations).build();
    }
}
