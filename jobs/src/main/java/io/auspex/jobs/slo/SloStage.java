package io.auspex.jobs.slo;

import io.auspex.schemas.Alert;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SloStatus;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Wires the SLO stage: signals keyed by service, connected to the SLO file broadcast by a small
 * reload source, into {@link SloProcessFunction}.
 *
 * <pre>{@code
 * SloSet slos = SloSet.load(file);                 // in main(): a bad file fails start-up
 * SloStage.Outputs o = SloStage.apply(signals, slos, file, Duration.ofSeconds(30));
 * o.alerts(); o.statuses();
 * }</pre>
 */
public final class SloStage {
    public static final String ENGINE_UID = "slo-engine";
    public static final String ENGINE_NAME = "SLO burn rates";
    public static final String RELOAD_UID = "slo-file-reload";
    public static final String RELOAD_NAME = "SLO file reload";

    private SloStage() {}

    /** The stage's two outputs. */
    public record Outputs(DataStream<Alert> alerts, DataStream<SloStatus> statuses) {}

    /**
     * @param signals one record per service per window, keyed or not (the stage keys by service)
     * @param initial the SLO set validated in main()
     * @param sloFile the file to re-read
     * @param reloadInterval how often to re-read it (at least 1 s)
     */
    public static Outputs apply(DataStream<ServiceSignals> signals, SloSet initial, Path sloFile, Duration reloadInterval) {
        if (reloadInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("SLO reload interval must be at least 1s, got " + reloadInterval);
        }
        StreamExecutionEnvironment env = signals.getExecutionEnvironment();
        DataGeneratorSource<String> source = new DataGeneratorSource<>(
                new SloFileReloader(sloFile, initial),
                Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(1000.0 / reloadInterval.toMillis()),
                Types.STRING);
        DataStream<String> texts = env.fromSource(source, neverHoldsBackWatermarks(), RELOAD_NAME)
                .uid(RELOAD_UID)
                .setParallelism(1);
        return wire(signals, initial, texts);
    }

    /** Wires the engine to any stream of SLO file texts (tests feed a bounded one). */
    public static Outputs wire(DataStream<ServiceSignals> signals, SloSet initial, DataStream<String> sloTexts) {
        BroadcastStream<String> broadcast = sloTexts.broadcast(SloProcessFunction.SLO_FILE);
        SingleOutputStreamOperator<Alert> alerts = signals
                .keyBy(ServiceSignals::getServiceName, Types.STRING)
                .connect(broadcast)
                .process(new SloProcessFunction(initial), new AvroTypeInfo<>(Alert.class))
                .uid(ENGINE_UID)
                .name(ENGINE_NAME);
        return new Outputs(alerts, alerts.getSideOutput(SloProcessFunction.STATUS));
    }

    /**
     * The SLO file stream carries no event time. Its watermark is pinned at the maximum so that
     * the engine's combined watermark is the signals' watermark alone (a two-input operator
     * forwards the minimum of its inputs).
     */
    static WatermarkStrategy<String> neverHoldsBackWatermarks() {
        return WatermarkStrategy.forGenerator(ctx -> new MaxWatermark());
    }

    /** Emits {@link Long#MAX_VALUE} as the watermark. */
    static final class MaxWatermark implements WatermarkGenerator<String> {
        @Override
        public void onEvent(String event, long eventTimestamp, WatermarkOutput output) {
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }
    }
}
