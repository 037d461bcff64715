package io.sluice.security;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Configures JWT verification with an RSA key pair generated for this test run: the public key inline
 * in {@code mp.jwt.verify.publickey}, and a fixed issuer.
 *
 * <p>The key pair is generated once per JVM and kept in system properties, because Quarkus may load
 * this class in more than one class loader (to read the profile, and to run the test).
 */
public class JwtProfile implements QuarkusTestProfile {
    public static final String ISSUER = "https://issuer.sluice.test";
    private static final String PUBLIC = "sluice-test.jwt.public-key";
    private static final String PRIVATE = "sluice-test.jwt.private-key";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("mp.jwt.verify.publickey", publicKey(), "mp.jwt.verify.issuer", ISSUER);
    }

    /** Base64 of the X.509 public key, as {@code mp.jwt.verify.publickey} accepts it. */
    static String publicKey() {
        ensureKeys();
        return System.getProperty(PUBLIC);
    }

    static PrivateKey privateKey() {
        ensureKeys();
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(System.getProperty(PRIVATE))));
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key pair nobody trusts. */
    static KeyPair otherKeyPair() {
        return generate();
    }

    private static void ensureKeys() {
        synchronized (System.getProperties()) {
            if (System.getProperty(PRIVATE) == null) {
                KeyPair pair = generate();
                System.setProperty(PUBLIC, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
                System.setProperty(PRIVATE, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
            }
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
