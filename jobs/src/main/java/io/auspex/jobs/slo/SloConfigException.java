package io.auspex.jobs.slo;

/**
 * An SLO file that cannot be used. The message always names the file (or origin), and
 * where it applies the SLO and the field, e.g.
 * {@code slos.yaml: SLO 'checkout-availability': field 'objective': must be > 0 and < 100, got 100}.
 */
public final class SloConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SloConfigException(String message) {
        super(message);
    }

    public SloConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
