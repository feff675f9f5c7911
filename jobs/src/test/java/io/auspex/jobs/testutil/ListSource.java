package io.auspex.jobs.testutil;

import io.auspex.jobs.decode.Telemetry;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/** A bounded in-memory source of already decoded telemetry, in list order per reader (at least one record). */
public final class ListSource {
    private ListSource() {}

    public static DataGeneratorSource<Telemetry> of(List<Telemetry> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a list source needs at least one record");
        }
        ArrayList<Telemetry> copy = new ArrayList<>(records);
        GeneratorFunction<Long, Telemetry> at = i -> copy.get(i.intValue());
        return new DataGeneratorSource<>(at, copy.size(), TypeInformation.of(Telemetry.class));
    }
}
