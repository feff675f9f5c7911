package io.auspex.models.nab;

/** A series file that cannot be read: names the file line (1-based) and the problem. */
public final class SeriesFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final long line;
    private final String problem;

    public SeriesFormatException(long line, String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
        this.problem = problem;
    }

    /** What is wrong, without the line number. */
    public String problem() {
        return problem;
    }

    /** The 1-based line of the file where the problem is. */
    public long line() {
        return line;
    }
}
