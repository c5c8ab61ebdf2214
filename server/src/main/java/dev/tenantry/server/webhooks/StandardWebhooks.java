package dev.tenantry.server.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature scheme (standardwebhooks.com): a secret {@code whsec_<base64 key>}; each message
 * signed as {@code v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>} in the {@code webhook-signature}
 * header, with {@code webhook-id} and {@code webhook-timestamp} (seconds since the epoch) beside it.
 */
public final class StandardWebhooks {
    public static final String PREFIX = "whsec_";
    private static final int KEY_BYTES = 32;
    private static final SecureRandom random = new SecureRandom();

    private StandardWebhooks() {}

    /** The context a subscription's secret is sealed with in the database. */
    public static String sealContext(String webhookId) {
        return "webhook:" + webhookId;
    }

    public static String newSecret() {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    public static String sign(String secret, String messageId, long timestampSeconds, String body) {
        if (!secret.startsWith(PREFIX)) throw new IllegalArgumentException("not a webhook secret");
        byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signature = mac.doFinal((messageId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
