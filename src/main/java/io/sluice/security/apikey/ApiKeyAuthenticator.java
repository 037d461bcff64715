package io.sluice.security.apikey;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.sluice.security.AuthConfig;

import io.sluice.security.Identity;
import io.sluice.security.Role;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Verifies a presented API key: finds the row by its lookup prefix and compares the SHA-256 of the
 * presented key with the stored one in constant time. Straight on the reactive pool (one indexed
 * query, no ORM session), so it runs on the event loop without blocking it. A verified key is
 * remembered for {@code sluice.auth.api-key-cache-ttl} (by its hash, never the key itself).
 */
@ApplicationScoped
public class ApiKeyAuthenticator {
    /** Longer bearer values are not keys of ours; refuse them without hashing. */
    static final int MAX_KEY_LENGTH = 1024;

    @Inject
    Pool pool;
    @Inject
    AuthConfig config;

    private record Remembered(Identity identity, long expiresAtNanos) {
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Remembered> verified = new java.util.concurrent.ConcurrentHashMap<>();

    /** Forgets every remembered key (after a key was deleted here). */
    public void forgetAll() {
        verified.clear();
    }

    /** The key's owner, or {@code null} when the key is unknown or does not match. */
    public Uni<Identity> authenticate(String key) {
        if (key.length() > MAX_KEY_LENGTH) {
            return Uni.createFrom().nullItem();
        }
        byte[] hash = ApiKeys.hash(key);
        String cacheKey = java.util.HexFormat.of().formatHex(hash);
        Remembered known = verified.get(cacheKey);
        long now = System.nanoTime();
        if (known != null && now - known.expiresAtNanos() < 0) {
            return Uni.createFrom().item(known.identity());
        }
        long ttl = config.apiKeyCacheTtl().toNanos();
        return lookup(key, hash).invoke(identity -> {
            if (identity != null && ttl > 0) {
                if (verified.size() > 10_000) {
                    verified.clear();
                }
                verified.put(cacheKey, new Remembered(identity, now + ttl));
            }
        });
    }

    private Uni<Identity> lookup(String key, byte[] hash) {
        String prefix = ApiKeys.lookupPrefix(key, hash);
        return pool.preparedQuery("SELECT name, role, key_hash FROM sluice.api_key WHERE key_prefix = $1")
                .execute(Tuple.of(prefix))
                .map(rows -> {
                    for (Row row : rows) {
                        if (ApiKeys.matches(hash, row.getString("key_hash"))) {
                            return new Identity(row.getString("name"), Role.fromWire(row.getString("role")),
                                    Identity.Via.API_KEY);
                        }
                    }
                    return null;
                });
    }
}
