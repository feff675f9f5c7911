package io.auspex.jobs;

import io.auspex.jobs.decode.Telemetry;
import io.auspex.schemas.Alert;
import io.auspex.schemas.DeadLetter;
import io.auspex.schemas.ServiceSignals;
import io.auspex.schemas.SloStatus;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;

/**
 * The job's sources and sinks, built by whoever runs it: Kafka in {@link PipelineJob#main} and the
 * local runtime ({@code io.auspex.jobs.io.KafkaIo#pipelineIo}), in-memory sources and collecting
 * sinks in topology tests. Sources must decode in the source (dead letters carry
 * {@link Long#MIN_VALUE} as event time, so they never move a watermark).
 *
 * @param spans decoded span records (and dead letters) of the spans topic
 * @param metrics decoded metric points (and dead letters) of the metrics topic
 * @param logs decoded log records (and dead letters) of the logs topic
 * @param deadLetters every record the job could not use (at-least-once is enough)
 * @param signals one record per service per window
 * @param sloStatuses one record per SLO per window
 * @param alerts firing/resolved transitions; exactly-once in production
 */
public record PipelineIo(
        Source<Telemetry, ?, ?> spans,
        Source<Telemetry, ?, ?> metrics,
        Source<Telemetry, ?, ?> logs,
        Sink<DeadLetter> deadLetters,
        Sink<ServiceSignals> signals,
        Sink<SloStatus> sloStatuses,
        Sink<Alert> alerts) {}
