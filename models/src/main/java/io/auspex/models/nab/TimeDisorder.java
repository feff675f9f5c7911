package io.auspex.models.nab;

/**
 * Rows of a series that break strict time order.
 *
 * @param backward rows stamped earlier than the latest timestamp before them (a clock step back)
 * @param repeated rows stamped exactly at the latest timestamp before them
 */
public record TimeDisorder(int backward, int repeated) {

    /** Whether every row is later than every row before it. */
    public boolean inOrder() {
        return backward == 0 && repeated == 0;
    }

    /** One line for stderr, e.g. {@code 12 rows stamped earlier than a row before them, 1 repeated timestamp ...}. */
    public String warning() {
        return backward + (backward == 1 ? " row" : " rows") + " stamped earlier than a row before them and "
                + repeated + (repeated == 1 ? " row" : " rows") + " repeating the latest timestamp;"
                + " scored in file order, with the detector's time held at the latest timestamp";
    }
}
