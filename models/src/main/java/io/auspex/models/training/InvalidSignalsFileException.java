package io.auspex.models.training;

import java.io.IOException;
import java.io.Serial;

/** A file that is not an Avro data file of {@code ServiceSignals} records (or is corrupt). */
public class InvalidSignalsFileException extends IOException {

    @Serial private static final long serialVersionUID = 1L;

    public InvalidSignalsFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
