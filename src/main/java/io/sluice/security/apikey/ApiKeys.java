package io.sluice.security.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API key format and its hashing, in one place.
 *
 * <p>A generated key reads {@code sk_<16 hex>_<43 base64url>}: the {@code sk_<16 hex>} part is the
 * public <em>lookup prefix</em> stored in {@code sluice.api_key.key_prefix} (8 random bytes), the rest
 * is the secret (32 random bytes from {@link SecureRandom}). Only the SHA-256 of the whole key is
 * stored; a plain hash is right here because the key has 256 bits of entropy, so there is nothing to
 * brute-force and no need for a slow password hash.
 *
 * <p>A key of any other shape (an operator-chosen bootstrap key) has no public part to read, so its
 * lookup prefix is derived from its hash: {@code sha256:<first 16 hex of the hash>}. That reveals
 * nothing the stored hash does not, and the verifier computes the hash anyway.
 */
public final class ApiKeys {
    /** Marks Sluice API keys, so they are recognisable in configs and secret scanners. */
    public static final String KEY_MARKER = "sk_";
    private static final String DERIVED_PREFIX_MARKER = "sha256:";
    private static final int PREFIX_BYTES = 8;
    private static final int SECRET_BYTES = 32;
    private static final Pattern GENERATED = Pattern.compile("^(sk_[0-9a-f]{16})_[A-Za-z0-9_-]{43}$");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private ApiKeys() {
    }

    /** A new random key in the {@code sk_<prefix>_<secret>} format. */
    public static String generate() {
        byte[] prefix = new byte[PREFIX_BYTES];
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(prefix);
        RANDOM.nextBytes(secret);
        return KEY_MARKER + HEX.formatHex(prefix) + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** SHA-256 of the key's UTF-8 bytes. */
    public static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** The hash as stored in {@code key_hash}: lower-case hex. */
    public static String hashHex(String key) {
        return HEX.formatHex(hash(key));
    }

    /** The lookup prefix of {@code key} given its {@link #hash}. */
    public static String lookupPrefix(String key, byte[] hash) {
        Matcher m = GENERATED.matcher(key);
        if (m.matches()) {
            return m.group(1);
        }
        return DERIVED_PREFIX_MARKER + HEX.formatHex(hash, 0, PREFIX_BYTES);
    }

    /** The lookup prefix of {@code key}. */
    public static String lookupPrefix(String key) {
        return lookupPrefix(key, hash(key));
    }

    /**
     * Whether {@code storedHashHex} is the hash of the presented key, compared in constant time
     * ({@link MessageDigest#isEqual}); a malformed stored value never matches.
     */
    public static boolean matches(byte[] presentedHash, String storedHashHex) {
        byte[] stored;
        try {
            stored = HEX.parseHex(storedHashHex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(presentedHash, stored);
    }
}
