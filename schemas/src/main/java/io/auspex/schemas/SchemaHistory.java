package io.auspex.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Earlier wire shapes of the input records, kept as {@code history/<Record>-<n>.avsc} resources
 * (n = 1 for the first shape). The input topics' plain Avro binary has no schema id, so a record
 * from a producer built before a field was added is read with its own shape and today's defaults.
 */
public final class SchemaHistory {
    private SchemaHistory() {}

    /** The earlier schemas of {@code record}, newest first; empty when it never changed. */
    public static List<Schema> olderSchemas(String record) {
        List<Schema> out = new ArrayList<>();
        for (int n = 1; ; n++) {
            try (InputStream in = SchemaHistory.class.getResourceAsStream("history/" + record + "-" + n + ".avsc")) {
                if (in == null) {
                    break;
                }
                out.add(0, new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema history of " + record, e);
            }
        }
        return out;
    }
}
