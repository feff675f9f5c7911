package io.auspex.jobs.io;

import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Type information for a record type that has its own network serializer (chosen through
 * {@code @TypeInfo} on the type): Flink then uses that serializer instead of its POJO serializer.
 * The type is treated as one opaque field (no key expressions, no field access by name).
 */
public final class SerializerTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    /** A supplier that travels with the job graph. */
    public interface SerializerFactory<T> extends Supplier<TypeSerializer<T>>, java.io.Serializable {}

    private final Class<T> type;
    private final SerializerFactory<T> serializer;

    public SerializerTypeInfo(Class<T> type, SerializerFactory<T> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    @Override public boolean isBasicType() { return false; }
    @Override public boolean isTupleType() { return false; }
    @Override public int getArity() { return 1; }
    @Override public int getTotalFields() { return 1; }
    @Override public Class<T> getTypeClass() { return type; }
    @Override public boolean isKeyType() { return false; }
    @Override public TypeSerializer<T> createSerializer(SerializerConfig config) { return serializer.get(); }
    @Override public String toString() { return type.getSimpleName(); }
    @Override public boolean equals(Object o) { return o instanceof SerializerTypeInfo<?> s && s.type == type; }
    @Override public int hashCode() { return type.hashCode(); }
    @Override public boolean canEqual(Object o) { return o instanceof SerializerTypeInfo; }
}
