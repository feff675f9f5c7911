package io.auspex.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable record ids of the at-least-once output topics (docs/topics.md, Record ids): a record
 * written again after a restore carries the same id, so a consumer keeps the first record of each
 * id. Every id is a function of the record's value alone; the job also writes it as the Kafka
 * header {@link #HEADER}.
 */
public final class RecordIds {
    /** Kafka header carrying the id (UTF-8) on telemetry.signals, telemetry.slo-status and telemetry.dlq. */
    public static final String HEADER = "auspex.id";

    private RecordIds() {}

    /** {@code <service_name>@<window_end_ms>}: one window of one service (the window end is the text after the last '@'). */
    public static String of(ServiceSignals s) {
        return s.getServiceName() + "@" + s.getWindowEndMs();
    }

    /** 32 hex chars of SHA-256 over slo, service, instance and event_time_ms: one minute of one SLO instance. */
    public static String of(SloStatus s) {
        Digest d = new Digest();
        d.text(s.getSlo());
        d.text(s.getService());
        d.text(s.getInstance());
        d.number(s.getEventTimeMs());
        return d.hex();
    }

    /**
     * 32 hex chars of SHA-256 over source_topic, partition, offset, record_index (-1 when null),
     * reason, and the value (its bytes, or with value_truncated_from the original's SHA-256 and
     * size): one input record (or one record of an OTLP batch) refused for one reason. Not the
     * detail (an exception message), the key or the timestamp.
     */
    public static String of(DeadLetter l) {
        Digest d = new Digest();
        d.text(l.getSourceTopic());
        d.number(l.getPartition());
        d.number(l.getOffset());
        d.number(l.getRecordIndex() == null ? -1 : l.getRecordIndex());
        d.text(l.getReason());
        if (l.getValueTruncatedFrom() != null) {
            d.number(l.getValueTruncatedFrom());
            d.text(l.getValueSha256() == null ? "" : l.getValueSha256());
        } else if (l.getValue() == null) {
            d.number(-1);
        } else {
            ByteBuffer v = l.getValue().duplicate();
            byte[] bytes = new byte[v.remaining()];
            v.get(bytes);
            d.number(bytes.length);
            d.bytes(bytes);
        }
        return d.hex();
    }

    /** Length-prefixed fields into one SHA-256, so no two field lists give the same input. */
    private static final class Digest {
        private final MessageDigest md;

        Digest() {
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required by every JVM", e);
            }
        }

        void text(CharSequence s) {
            byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
            number(b.length);
            bytes(b);
        }

        void number(long n) {
            md.update(ByteBuffer.allocate(Long.BYTES).putLong(n).array());
        }

        void bytes(byte[] b) {
            md.update(b);
        }

        String hex() {
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        }
    }
}
