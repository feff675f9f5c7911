package io.auspex.jobs.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.runtime.execution.CancelTaskException;
import org.junit.jupiter.api.Test;

class ContainmentTest {
    private static final StackTraceElement PROJECT =
            new StackTraceElement("io.auspex.jobs.signals.SignalsAccumulator", "addSpan", "SignalsAccumulator.java", 120);
    private static final StackTraceElement JDK =
            new StackTraceElement("java.util.HashMap", "get", "HashMap.java", 556);

    private static <T extends Throwable> T at(T t, StackTraceElement... frames) {
        t.setStackTrace(frames);
        return t;
    }

    @Test
    void theDetailNamesTheOperatorTheInnermostExceptionAndItsProjectFrame() {
        Exception e = at(new RuntimeException("wrapped", at(new IllegalStateException("bad state"), JDK, PROJECT)), JDK);
        assertEquals("signals: java.lang.IllegalStateException: bad state at "
                + "io.auspex.jobs.signals.SignalsAccumulator.addSpan(SignalsAccumulator.java:120)",
                Containment.describe("signals", e));
    }

    @Test
    void aRootWithoutMessageTakesTheNearestWrappersMessage() {
        Exception e = at(new RuntimeException("outer", at(new RuntimeException("while adding span x",
                at(new NullPointerException(), PROJECT)), JDK)), JDK);
        assertEquals("signals: java.lang.NullPointerException: while adding span x at "
                + "io.auspex.jobs.signals.SignalsAccumulator.addSpan(SignalsAccumulator.java:120)",
                Containment.describe("signals", e));
    }

    @Test
    void whatIsMissingIsSaid() {
        assertEquals("signals: java.lang.NullPointerException: (no message) at "
                + "io.auspex.jobs.signals.SignalsAccumulator.addSpan(SignalsAccumulator.java:120)",
                Containment.describe("signals", at(new NullPointerException(), PROJECT)));
        assertEquals("signals: java.lang.NullPointerException: (no message) at java.util.HashMap.get(HashMap.java:556)",
                Containment.describe("signals", at(new NullPointerException(), JDK)), "no project frame: the first one");
        // HotSpot's preallocated exception (OmitStackTraceInFastThrow): no message, no frame
        assertEquals("signals: java.lang.ArrayIndexOutOfBoundsException: (no message) (no stack trace: the JVM threw a"
                + " preallocated exception; run the TaskManagers with -XX:-OmitStackTraceInFastThrow)",
                Containment.describe("signals", at(new ArrayIndexOutOfBoundsException((String) null))));
        // the project frame of a wrapper when the root has none
        assertEquals("signals: java.lang.ClassCastException: (no message) at "
                + "io.auspex.jobs.signals.SignalsAccumulator.addSpan(SignalsAccumulator.java:120)",
                Containment.describe("signals",
                        at(new RuntimeException((String) null, at(new ClassCastException())), PROJECT)));
    }

    @Test
    void aCauseCycleEnds() {
        Exception a = at(new RuntimeException("a"), PROJECT);
        Exception b = at(new RuntimeException("b", a), JDK);
        a.initCause(b);
        // a -> b -> a: the walk stops at b, whose message comes first; the project frame is a's
        assertEquals("signals: java.lang.RuntimeException: b at "
                + "io.auspex.jobs.signals.SignalsAccumulator.addSpan(SignalsAccumulator.java:120)",
                Containment.describe("signals", a));
    }

    @Test
    void recordFaultsAreContainedTaskStopsAndErrorsAreNot() {
        assertTrue(Containment.containable(new IllegalArgumentException("x")));
        assertTrue(Containment.containable(new StackOverflowError()));
        assertFalse(Containment.containable(new OutOfMemoryError()));
        assertFalse(Containment.containable(new RuntimeException(new InterruptedException())));
        assertFalse(Containment.containable(new RuntimeException(new CancelTaskException("cancelled"))));
    }
}
