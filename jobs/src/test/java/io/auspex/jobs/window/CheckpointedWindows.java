package io.auspex.jobs.window;

import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;

/** Test helper: the entries of a {@link HeapWindowOperator}'s checkpointed open-windows state. */
public final class CheckpointedWindows {
    private CheckpointedWindows() {}

    /** Entries (one per open window at the last snapshot) over all keys. */
    public static <ACC> int count(AbstractStreamOperator<?> operator, TypeInformation<ACC> accumulatorType)
            throws Exception {
        KeyedStateBackend<Object> backend = operator.getKeyedStateBackend();
        MapState<Long, ACC> state = operator.getKeyedStateStore().getMapState(
                new MapStateDescriptor<>(HeapWindowOperator.STATE_NAME, Types.LONG, accumulatorType));
        List<Object> keys;
        try (var s = backend.getKeys(HeapWindowOperator.STATE_NAME, VoidNamespace.INSTANCE)) {
            keys = s.toList();
        }
        int n = 0;
        for (Object k : keys) {
            backend.setCurrentKey(k);
            for (Long ignored : state.keys()) {
                n++;
            }
        }
        return n;
    }
}
