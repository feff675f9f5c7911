package io.auspex.models.logs;

import java.util.regex.Pattern;

/**
 * Pre-masking of a log line before template mining: the variable parts whose shape is known are
 * replaced by a placeholder, so lines that differ only in them are the same text, and the miner
 * needs no similarity search to group them. Stateless and thread-safe.
 *
 * <p>In this order (a later rule never sees what an earlier one replaced):
 *
 * <ol>
 *   <li>{@code <URL>}: {@code scheme://...} up to whitespace or a quote;
 *   <li>{@code <EMAIL>}: {@code local@domain.tld};
 *   <li>{@code <STR>}: a double-quoted string, and a single-quoted one whose quotes are not inside
 *       a word (so "don't" and "it's" stay);
 *   <li>{@code <UUID>}: 8-4-4-4-12 hex digits;
 *   <li>{@code <IP>}: an IPv4 address with an optional port, or an IPv6 address (eight groups, or
 *       compressed with {@code ::}, holding a digit);
 *   <li>{@code <PATH>}: a Unix path starting with {@code /}, {@code ./}, {@code ../} or
 *       {@code ~/} that is not inside a word (so "HTTP/1.1" and "and/or" are no paths);
 *   <li>{@code <HEX>}: {@code 0x} and hex digits, or 8 or more hex digits holding both a digit and a
 *       letter a-f (trace and span ids, hashes);
 *   <li>{@code <NUM>}: every remaining run of digits, with decimals ({@code 12}, {@code 3.5},
 *       {@code 1.2.3}), also inside a word ({@code user42} becomes {@code user<NUM>}).
 * </ol>
 *
 * <p>Then whitespace runs become one space. The line is cut to {@code maxLineLength} characters
 * before masking (which bounds the cost) and the masked text to {@code maxTokens} tokens and
 * {@code maxLineLength} characters.
 */
public final class LogMasker implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public static final String URL = "<URL>";
    public static final String EMAIL = "<EMAIL>";
    public static final String STR = "<STR>";
    public static final String UUID = "<UUID>";
    public static final String IP = "<IP>";
    public static final String PATH = "<PATH>";
    public static final String HEX = "<HEX>";
    public static final String NUM = "<NUM>";

    private static final Pattern URL_RE = Pattern.compile("\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s\"'<>]+");
    private static final Pattern EMAIL_RE = Pattern.compile(
            "(?<![\\w.+-])[\\w.%+-]+@[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*\\.[a-zA-Z]{2,}\\b");
    private static final Pattern DOUBLE_QUOTED = Pattern.compile("\"[^\"]*\"");
    private static final Pattern SINGLE_QUOTED = Pattern.compile("(?<!\\w)'[^'\\n]*'(?!\\w)");
    private static final Pattern UUID_RE = Pattern.compile(
            "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b");
    private static final Pattern IPV4 = Pattern.compile(
            "(?<![\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?(?![\\w.])");
    private static final Pattern IPV6 = Pattern.compile(
            "(?<![\\w:])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}"
                    + "|(?=[0-9a-fA-F:]*\\d)(?:[0-9a-fA-F]{1,4}:){0,6}(?:[0-9a-fA-F]{1,4})?::(?:[0-9a-fA-F]{1,4}:){0,6}"
                    + "[0-9a-fA-F]{0,4})(?![\\w:])");
    private static final Pattern PATH_RE = Pattern.compile(
            "(?<![\\w.~/<>-])(?:\\.{1,2}|~)?/[\\w.~%+@-]+(?:/[\\w.~%+@-]*)*");
    private static final Pattern HEX_RE = Pattern.compile(
            "\\b0[xX][0-9a-fA-F]+\\b|\\b(?=[0-9a-fA-F]*\\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\\b");
    private static final Pattern NUM_RE = Pattern.compile("\\d+(?:\\.\\d+)*");

    private final int maxTokens;
    private final int maxLineLength;

    public LogMasker(int maxTokens, int maxLineLength) {
        if (maxTokens < 1 || maxLineLength < 1) {
            throw new IllegalArgumentException("maxTokens and maxLineLength must be positive, were " + maxTokens
                    + " and " + maxLineLength);
        }
        this.maxTokens = maxTokens;
        this.maxLineLength = maxLineLength;
    }

    /** With the miner's default bounds ({@link MinerConfig#DEFAULTS}). */
    public static LogMasker defaults() {
        return new LogMasker(MinerConfig.DEFAULTS.maxTokens(), MinerConfig.DEFAULTS.maxLineLength());
    }

    /** The masked text of {@code line}: placeholders, single spaces, bounded; "" for null or blank. */
    public String mask(String line) {
        if (line == null || line.isEmpty()) {
            return "";
        }
        String t = line.length() > maxLineLength ? line.substring(0, maxLineLength) : line;
        // each rule runs only when its cheap precondition holds
        if (t.indexOf("://") >= 0) {
            t = URL_RE.matcher(t).replaceAll(URL);
        }
        if (t.indexOf('@') >= 0) {
            t = EMAIL_RE.matcher(t).replaceAll(EMAIL);
        }
        if (t.indexOf('"') >= 0) {
            t = DOUBLE_QUOTED.matcher(t).replaceAll(STR);
        }
        if (t.indexOf('\'') >= 0) {
            t = SINGLE_QUOTED.matcher(t).replaceAll(STR);
        }
        boolean digits = hasDigit(t);
        if (digits && t.indexOf('-') >= 0) {
            t = UUID_RE.matcher(t).replaceAll(UUID);
        }
        if (digits && t.indexOf('.') >= 0) {
            t = IPV4.matcher(t).replaceAll(IP);
        }
        if ((digits && t.indexOf("::") >= 0) || count(t, ':') >= 7) {
            t = IPV6.matcher(t).replaceAll(IP);
        }
        if (t.indexOf('/') >= 0) {
            t = PATH_RE.matcher(t).replaceAll(PATH);
        }
        if (hasDigit(t)) {
            t = HEX_RE.matcher(t).replaceAll(HEX);
            t = NUM_RE.matcher(t).replaceAll(NUM);
        }
        return normalize(t);
    }

    /**
     * Whitespace runs to one space, at most {@code maxTokens} tokens and {@code maxLineLength}
     * characters: a token that does not fit is left out whole (the first one is cut).
     */
    private String normalize(String t) {
        StringBuilder b = new StringBuilder(Math.min(t.length(), maxLineLength));
        int tokens = 0;
        int i = 0;
        int n = t.length();
        while (tokens < maxTokens) {
            while (i < n && Character.isWhitespace(t.charAt(i))) {
                i++;
            }
            if (i == n) {
                break;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(t.charAt(i))) {
                i++;
            }
            int room = maxLineLength - b.length() - (tokens > 0 ? 1 : 0);
            if (i - start > room) {
                if (tokens == 0) {
                    b.append(t, start, start + maxLineLength);
                }
                break;
            }
            if (tokens > 0) {
                b.append(' ');
            }
            b.append(t, start, i);
            tokens++;
        }
        return b.toString();
    }

    private static boolean hasDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    private static int count(String s, char c) {
        int k = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                k++;
            }
        }
        return k;
    }
}
