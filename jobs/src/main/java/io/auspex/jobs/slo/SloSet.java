package io.auspex.jobs.slo;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A validated, immutable set of SLOs: the whole SLO file or nothing. Built by {@link #load(Path)}
 * or {@link #parse(String, String)}; an invalid file throws {@link SloConfigException} and never
 * yields a partial set.
 */
public final class SloSet implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String origin;
    private final String sourceText;
    private final String version;
    private final List<SloDefinition> slos;

    SloSet(String origin, String sourceText, List<SloDefinition> slos) {
        this.origin = origin;
        this.sourceText = sourceText;
        this.version = sha256Hex(sourceText).substring(0, 16);
        this.slos = List.copyOf(slos);
    }

    /** Reads and validates an SLO file. */
    public static SloSet load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SloConfigException(file + ": cannot read the SLO file: " + e, e);
        }
        return parse(text, file.toString());
    }

    /**
     * Validates SLO file content.
     *
     * @param text YAML content
     * @param origin file name used in error messages
     */
    public static SloSet parse(String text, String origin) {
        return new SloSet(origin, text, SloSetParser.parse(text, origin));
    }

    /** Latency thresholds used by latency SLOs: the signals stage counts spans over each of them. */
    public SortedSet<Long> latencyThresholdsMs() {
        SortedSet<Long> t = new TreeSet<>();
        for (SloDefinition d : slos) {
            if (d.sli() == SliType.LATENCY) {
                t.add(d.thresholdMs());
            }
        }
        return t;
    }

    public List<SloDefinition> slos() {
        return slos;
    }

    public Optional<SloDefinition> get(String name) {
        for (SloDefinition d : slos) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** SLOs of one service, in file order. */
    public List<SloDefinition> forService(String service) {
        List<SloDefinition> out = new ArrayList<>();
        for (SloDefinition d : slos) {
            if (d.service().equals(service)) {
                out.add(d);
            }
        }
        return out;
    }

    /** SLOs by service, in file order. */
    public Map<String, List<SloDefinition>> byService() {
        Map<String, List<SloDefinition>> out = new LinkedHashMap<>();
        for (SloDefinition d : slos) {
            out.computeIfAbsent(d.service(), k -> new ArrayList<>()).add(d);
        }
        return out;
    }

    /** The file content this set was parsed from; what the reload source broadcasts. */
    public String sourceText() {
        return sourceText;
    }

    public String origin() {
        return origin;
    }

    /** 16 hex chars of SHA-256 of the file content: equal versions mean equal sets. */
    public String version() {
        return version;
    }

    @Override
    public String toString() {
        return "SloSet{origin=" + origin + ", version=" + version + ", slos=" + slos.size() + "}";
    }

    static String sha256Hex(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
