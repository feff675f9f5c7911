package io.auspex.models.artifact;

import java.io.IOException;
import java.io.Serial;

/** A model artifact that cannot be used: not a zip, unknown format version, wrong features, corrupt. */
public class InvalidArtifactException extends IOException {

    @Serial private static final long serialVersionUID = 1L;

    public InvalidArtifactException(String message) {
        super(message);
    }

    public InvalidArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
