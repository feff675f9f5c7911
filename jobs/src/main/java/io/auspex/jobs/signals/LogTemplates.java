package io.auspex.jobs.signals;

import java.util.regex.Pattern;

/** Turns a log line into its template: ids, hex strings and numbers masked, length capped. */
public final class LogTemplates {
    private static final Pattern UUID = Pattern.compile(
            "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b");
    private static final Pattern HEX = Pattern.compile("\\b(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}\\b");
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");
    public static final int MAX_LENGTH = 200;

    private LogTemplates() {}

    public static String templateOf(String body) {
        if (body == null) {
            return "";
        }
        String t = UUID.matcher(body).replaceAll("<uuid>");
        t = HEX.matcher(t).replaceAll("<id>");
        t = NUMBER.matcher(t).replaceAll("<n>");
        return t.length() > MAX_LENGTH ? t.substring(0, MAX_LENGTH) : t;
    }
}
