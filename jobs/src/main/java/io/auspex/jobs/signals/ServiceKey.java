package io.auspex.jobs.signals;

import io.auspex.jobs.decode.Telemetry;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys telemetry by service name. */
public final class ServiceKey implements KeySelector<Telemetry, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(Telemetry t) {
        return t.service();
    }
}
