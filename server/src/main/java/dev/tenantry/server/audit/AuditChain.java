package dev.tenantry.server.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash that links an audit record to the one before it: SHA-256 over the previous record's hash followed by the
 * record's fields, each as a 4-byte big-endian length and its UTF-8 bytes (length -1 for a missing value), in this
 * order: seq (decimal), time (ISO-8601, UTC), actor, action, target, tenant, result, detail. The first record's
 * previous hash is 32 zero bytes. docs/security.md describes the same format for verifiers outside Tenantry.
 */
public final class AuditChain {
    public static final int HASH_BYTES = 32;
    private static final byte[] GENESIS = new byte[HASH_BYTES];

    private AuditChain() {}

    /** The hash before the first record. */
    public static byte[] genesis() {
        return GENESIS.clone();
    }

    public static byte[] hash(byte[] previous, AuditFields record) {
        MessageDigest sha256 = sha256();
        sha256.update(previous);
        sha256.update(encode(record));
        return sha256.digest();
    }

    static byte[] encode(AuditFields r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        for (String field : new String[] {Long.toString(r.seq()), r.time().toString(), r.actor(), r.action(), r.target(), r.tenant(),
                r.result(), r.detail()}) {
            byte[] bytes = field == null ? null : field.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).putInt(bytes == null ? -1 : bytes.length).array());
            if (bytes != null) out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    public static String hex(byte[] bytes) {
        return bytes == null ? null : HexFormat.of().formatHex(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
