package io.auspex.models.logs;

/**
 * A read-only view of one template of a {@link TemplateMiner}.
 *
 * @param id stable id: a 64-bit hash of the template text when the template was created (it stays
 *     when the template later gains wildcards), see {@link TemplateMiner#idString(long)}
 * @param template the masked tokens joined by single spaces, {@code <*>} where lines differed
 * @param count lines that joined it since it was created
 * @param firstSeenMs event time of its first line
 * @param lastSeenMs event time of its newest line
 * @param seenAtError whether any of its lines was at error severity
 */
public record LogTemplate(long id, String template, long count, long firstSeenMs, long lastSeenMs,
        boolean seenAtError) {

    /** {@link #id()} as 16 lower-case hex digits. */
    public String idString() {
        return TemplateMiner.idString(id);
    }
}
