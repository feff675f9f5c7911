package io.auspex.models.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LogMaskerTest {
    static final LogMasker MASKER = LogMasker.defaults();

    static String mask(String line) {
        return MASKER.mask(line);
    }

    @Test
    void numbersAreMaskedAlsoInsideWords() {
        assertEquals("timeout after <NUM> ms", mask("timeout after 3000 ms"));
        assertEquals("took <NUM>s, retry <NUM> of <NUM>", mask("took 2.5s, retry 1 of 3"));
        assertEquals("user<NUM> version <NUM>", mask("user42 version 1.2.3"));
        assertEquals("balance -<NUM>", mask("balance -17"));
    }

    @Test
    void hexIdsNeedADigitAndALetter() {
        assertEquals("trace <HEX> span <HEX>", mask("trace 0af7651916cd43dd8448eb211c80319c span b7ad6b7169203331"));
        assertEquals("at <HEX>", mask("at 0x7ffd5e2a"));
        assertEquals("order-<HEX> done", mask("order-1a2b3c4d5e done"));
        assertEquals("deadbeefcafe stays, <NUM> is a number", mask("deadbeefcafe stays, 1700000000000 is a number"));
    }

    @Test
    void uuids() {
        assertEquals("user <UUID> not found", mask("user 123e4567-e89b-12d3-a456-426614174000 not found"));
        assertEquals("orderId=<UUID>,", mask("orderId=5ad7750b-a68b-49c0-a8c0-32776b067703,"));
    }

    @Test
    void ipAddressesWithAndWithoutPort() {
        assertEquals("connect to <IP> failed", mask("connect to 10.0.12.7:5432 failed"));
        assertEquals("from <IP>", mask("from 192.168.1.1"));
        assertEquals("peer <IP> reset", mask("peer fe80::1ff:fe23:4567:890a reset"));
        assertEquals("peer <IP>", mask("peer 2001:0db8:85a3:0000:0000:8a2e:0370:7334"));
        assertEquals("at <NUM>:<NUM>:<NUM>", mask("at 12:30:45"), "a time of day is no IPv6 address");
    }

    @Test
    void pathsAndUrls() {
        assertEquals("GET <PATH> failed", mask("GET /api/v1/orderservice/order/refresh failed"));
        assertEquals("cannot open <PATH>", mask("cannot open ./conf/app.yaml"));
        assertEquals("calling <URL> returned <NUM>",
                mask("calling http://ts-order-service:12031/api/v1/orders?id=5 returned 500"));
        assertEquals("HTTP/<NUM> and/or", mask("HTTP/1.1 and/or"), "no paths inside words");
    }

    @Test
    void quotedStrings() {
        assertEquals("no station named <STR> for <STR>", mask("no station named \"Shang Hai\" for 'G1234'"));
        assertEquals("don't retry, it's <NUM>", mask("don't retry, it's 3"), "apostrophes are no quotes");
    }

    @Test
    void emailLikeTokens() {
        assertEquals("mail to <EMAIL> bounced", mask("mail to fdse.microservice+1@163.com bounced"));
        assertEquals("@Override stays", mask("@Override stays"));
    }

    @Test
    void whitespaceIsNormalizedAndLinesAreBounded() {
        assertEquals("a b c", mask("  a \t b\n\nc  "));
        assertEquals("", mask(null));
        assertEquals("", mask("   "));
        LogMasker small = new LogMasker(3, 12);
        assertEquals("a b c", small.mask("a b c d e f"));
        assertEquals("abcdefghijkl", small.mask("abcdefghijklmnop"));
        assertEquals("<NUM> <NUM>", small.mask("1 2 3 4 5 6"), "masking can lengthen the text; it is cut again");
        assertThrows(IllegalArgumentException.class, () -> new LogMasker(0, 10));
    }
}
