package io.auspex.jobs.decode;

import org.apache.flink.runtime.execution.CancelTaskException;

/**
 * What the decode and signals path does when a user function throws on one record: the record
 * becomes a dead letter with reason {@code operator_error}, naming the operator and the exception,
 * and the job goes on (option {@code auspex.limits.contain-operator-errors}). Exceptions that mean
 * the task itself is stopping (interruption, cancellation) and {@link Error}s other than a stack
 * overflow are never contained: they fail the task as before.
 */
public final class Containment {
    /** The dead-letter reason of a record an operator threw on. */
    public static final String REASON = "operator_error";

    private Containment() {}

    /** May {@code e}, thrown while processing one record, be turned into that record's dead letter? */
    public static boolean containable(Throwable e) {
        if (!(e instanceof Exception) && !(e instanceof StackOverflowError)) {
            return false;
        }
        if (Thread.currentThread().isInterrupted()) {
            return false;
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InterruptedException || c instanceof CancelTaskException
                    || (c instanceof Error && !(c instanceof StackOverflowError))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The detail of the dead letter: the operator, then the innermost exception's class and message
     * and the first project frame it was thrown from, e.g.
     * {@code golden signals window: java.lang.ArrayIndexOutOfBoundsException: Index 0 out of bounds
     * for length 0 at io.auspex.jobs.signals.SignalsAccumulator.addHistogram(SignalsAccumulator.java:211)}.
     */
    public static String describe(String operator, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        StringBuilder sb = new StringBuilder(operator).append(": ").append(root.getClass().getName());
        if (root.getMessage() != null) {
            sb.append(": ").append(Limits.truncate(root.getMessage(), 1024));
        }
        for (StackTraceElement f : root.getStackTrace()) {
            if (f.getClassName().startsWith("io.auspex.")) {
                sb.append(" at ").append(f);
                break;
            }
        }
        return sb.toString();
    }
}
