package io.auspex.jobs.decode;

import java.util.ArrayList;
import java.util.List;
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
     * It says what it could not find rather than leaving it out: without a message of its own the
     * nearest wrapping exception's message is used, else {@code (no message)}; without a project frame
     * the first frame; without any frame (HotSpot's preallocated exceptions once
     * OmitStackTraceInFastThrow kicks in) a note naming the JVM flag that keeps them.
     */
    public static String describe(String operator, Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable c = e; c != null && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        Throwable root = chain.get(chain.size() - 1);
        StringBuilder sb = new StringBuilder(operator).append(": ").append(root.getClass().getName()).append(": ");
        String message = null;
        for (int i = chain.size() - 1; i >= 0 && message == null; i--) {
            message = chain.get(i).getMessage();
        }
        sb.append(message == null ? "(no message)" : Limits.truncate(message, 1024));
        StackTraceElement at = null;
        for (int i = chain.size() - 1; i >= 0 && at == null; i--) {
            for (StackTraceElement f : chain.get(i).getStackTrace()) {
                if (f.getClassName().startsWith("io.auspex.")) {
                    at = f;
                    break;
                }
            }
        }
        if (at == null && root.getStackTrace().length > 0) {
            at = root.getStackTrace()[0];
        }
        if (at != null) {
            sb.append(" at ").append(at);
        } else {
            sb.append(" (no stack trace: the JVM threw a preallocated exception; run the TaskManagers with"
                    + " -XX:-OmitStackTraceInFastThrow)");
        }
        return sb.toString();
    }
}
