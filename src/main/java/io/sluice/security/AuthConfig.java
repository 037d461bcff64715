package io.sluice.security;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Authentication settings ({@code sluice.auth.*}). JWT verification itself is configured with the
 * MicroProfile JWT keys ({@code mp.jwt.verify.issuer}, {@code mp.jwt.verify.publickey.location}, ...).
 */
@ConfigMapping(prefix = "sluice.auth")
public interface AuthConfig {
    /**
     * The bootstrap admin key (environment: {@code SLUICE_AUTH_BOOTSTRAP_KEY}). When set, an admin key
     * named {@code bootstrap-admin} with exactly this value exists after every start (it is created, or
     * re-keyed when the value changed). Any string of 16 to 1024 visible ASCII characters without
     * whitespace; a generated key ({@code sk_...}) is best. When unset and no admin key exists, one is
     * generated and written once to {@code <sluice.data-dir>/bootstrap-admin.key} (mode 0600).
     */
    Optional<String> bootstrapKey();

    /**
     * How long a verified API key is remembered, so that busy clients do not cost a database query per
     * request. A deleted key stops working at once on the replica that deleted it, and within this
     * time on the others. {@code 0s} disables the cache.
     */
    @WithDefault("2s")
    java.time.Duration apiKeyCacheTtl();

    /** JWT bearer tokens from an OIDC issuer. */
    Jwt jwt();

    interface Jwt {
        /**
         * The claim that carries the caller's roles: a list or a space- or comma-separated string
         * containing {@code admin}, {@code editor} and/or {@code viewer}; the strongest one present
         * counts. A claim name that does not exist as such is read as a dotted path into nested
         * objects, e.g. {@code realm_access.roles} for Keycloak.
         */
        @WithDefault("groups")
        String roleClaim();
    }
}
