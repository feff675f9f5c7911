package io.auspex.jobs.decode.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Reading OTLP attribute values and ids. */
final class OtlpValues {
    private static final HexFormat HEX = HexFormat.of();

    private OtlpValues() {}

    /** The value of attribute {@code key}, or null. */
    static AnyValue find(List<KeyValue> attrs, String key) {
        for (KeyValue kv : attrs) {
            if (kv.getKey().equals(key)) {
                return kv.getValue();
            }
        }
        return null;
    }

    /** The attribute as a string (numbers and booleans printed), or null when absent or empty. */
    static String string(List<KeyValue> attrs, String key) {
        AnyValue v = find(attrs, key);
        if (v == null) {
            return null;
        }
        String s = text(v);
        return s.isEmpty() ? null : s;
    }

    /** The attribute as an integer: an int value, or a string/double holding one; else null. */
    static Long integer(List<KeyValue> attrs, String key) {
        AnyValue v = find(attrs, key);
        if (v == null) {
            return null;
        }
        switch (v.getValueCase()) {
            case INT_VALUE:
                return v.getIntValue();
            case DOUBLE_VALUE:
                double d = v.getDoubleValue();
                return d == Math.rint(d) && Math.abs(d) < 1e15 ? (long) d : null;
            case STRING_VALUE:
                try {
                    return Long.parseLong(v.getStringValue().trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            default:
                return null;
        }
    }

    /** Any value as text: strings as they are, scalars printed, arrays and maps as compact JSON-like text. */
    static String text(AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE:
                return v.getStringValue();
            case BOOL_VALUE:
                return Boolean.toString(v.getBoolValue());
            case INT_VALUE:
                return Long.toString(v.getIntValue());
            case DOUBLE_VALUE:
                return Double.toString(v.getDoubleValue());
            case BYTES_VALUE:
                return Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
            case ARRAY_VALUE: {
                StringBuilder sb = new StringBuilder("[");
                for (AnyValue e : v.getArrayValue().getValuesList()) {
                    if (sb.length() > 1) {
                        sb.append(',');
                    }
                    sb.append(text(e));
                }
                return sb.append(']').toString();
            }
            case KVLIST_VALUE: {
                StringBuilder sb = new StringBuilder("{");
                for (KeyValue kv : v.getKvlistValue().getValuesList()) {
                    if (sb.length() > 1) {
                        sb.append(',');
                    }
                    sb.append(kv.getKey()).append('=').append(text(kv.getValue()));
                }
                return sb.append('}').toString();
            }
            default:
                return "";
        }
    }

    /**
     * An id as lowercase hex when it has {@code bytes} bytes and is not all zero (the W3C
     * invalid id); "" when empty; null when malformed.
     */
    static String id(ByteString b, int bytes) {
        if (b.isEmpty()) {
            return "";
        }
        if (b.size() != bytes) {
            return null;
        }
        for (int i = 0; i < bytes; i++) {
            if (b.byteAt(i) != 0) {
                return HEX.formatHex(b.toByteArray());
            }
        }
        return null;
    }

    /** Any id as lowercase hex, whatever its length; null when empty. */
    static String hex(ByteString b) {
        return b.isEmpty() ? null : HEX.formatHex(b.toByteArray());
    }
}
