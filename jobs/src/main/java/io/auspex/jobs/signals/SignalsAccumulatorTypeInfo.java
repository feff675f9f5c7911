package io.auspex.jobs.signals;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information that makes Flink use {@link SignalsAccumulatorSerializer} (no Kryo). */
public final class SignalsAccumulatorTypeInfo extends TypeInformation<SignalsAccumulator> {
    private static final long serialVersionUID = 1L;
    public static final SignalsAccumulatorTypeInfo INSTANCE = new SignalsAccumulatorTypeInfo();

    @Override public boolean isBasicType() { return false; }
    @Override public boolean isTupleType() { return false; }
    @Override public int getArity() { return 1; }
    @Override public int getTotalFields() { return 1; }
    @Override public Class<SignalsAccumulator> getTypeClass() { return SignalsAccumulator.class; }
    @Override public boolean isKeyType() { return false; }

    @Override
    public TypeSerializer<SignalsAccumulator> createSerializer(SerializerConfig config) {
        return SignalsAccumulatorSerializer.INSTANCE;
    }

    @Override public String toString() { return "SignalsAccumulator"; }
    @Override public boolean equals(Object o) { return o instanceof SignalsAccumulatorTypeInfo; }
    @Override public int hashCode() { return SignalsAccumulatorTypeInfo.class.hashCode(); }
    @Override public boolean canEqual(Object o) { return o instanceof SignalsAccumulatorTypeInfo; }

    /** Picked up through {@code @TypeInfo} on {@link SignalsAccumulator}. */
    public static final class Factory extends TypeInfoFactory<SignalsAccumulator> {
        @Override
        public TypeInformation<SignalsAccumulator> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return INSTANCE;
        }
    }
}
