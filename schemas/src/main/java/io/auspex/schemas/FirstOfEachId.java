package io.auspex.schemas;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Passes on the first record of each id and drops the others: how a reader of an at-least-once
 * topic (or of an export of it) deduplicates on {@link RecordIds}. Keeps every id it has seen.
 */
public final class FirstOfEachId<T> implements Consumer<T> {
    private final Function<T, String> idOf;
    private final Consumer<T> next;
    private final Set<String> seen = new HashSet<>();
    private long duplicates;

    public FirstOfEachId(Function<T, String> idOf, Consumer<T> next) {
        this.idOf = idOf;
        this.next = next;
    }

    /** Signals windows, by {@link RecordIds#of(ServiceSignals)}. */
    public static FirstOfEachId<ServiceSignals> signals(Consumer<ServiceSignals> next) {
        return new FirstOfEachId<>(RecordIds::of, next);
    }

    @Override
    public void accept(T record) {
        if (seen.add(idOf.apply(record))) {
            next.accept(record);
        } else {
            duplicates++;
        }
    }

    /** Records dropped because their id came before. */
    public long duplicates() {
        return duplicates;
    }
}
