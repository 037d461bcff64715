package io.sluice.security.apikey;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.sluice.security.Identity;
import io.sluice.security.Role;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Verifies a presented API key: finds the row by its lookup prefix and compares the SHA-256 of the
 * presented key with the stored one in constant time. Straight on the reactive pool (one indexed
 * query, no ORM session), so it runs on the event loop without blocking it. Nothing is cached: a
 * deleted key stops working at once, on every replica.
 */
@ApplicationScoped
public class ApiKeyAuthenticator {
    /** Longer bearer values are not keys of ours; refuse them without hashing. */
    static final int MAX_KEY_LENGTH = 1024;

    @Inject
    Pool pool;

    /** The key's owner, or {@code null} when the key is unknown or does not match. */
    public Uni<Identity> authenticate(String key) {
        if (key.length() > MAX_KEY_LENGTH) {
            return Uni.createFrom().nullItem();
        }
        byte[] hash = ApiKeys.hash(key);
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
