package dev.tenantry.server.domain;

import java.security.SecureRandom;

/** Random identifiers with a type prefix, e.g. {@code op_3k9x…}. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private Ids() {}

    public static String newId(String prefix, int length) {
        StringBuilder sb = new StringBuilder(prefix).append('_');
        for (int i = 0; i < length; i++) sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        return sb.toString();
    }
}
