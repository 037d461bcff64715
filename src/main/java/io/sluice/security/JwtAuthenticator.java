package io.sluice.security;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;

/**
 * Verifies JWT bearer tokens with smallrye-jwt's {@link JWTParser}: signature against the configured
 * key ({@code mp.jwt.verify.publickey} or {@code mp.jwt.verify.publickey.location}, e.g. the issuer's
 * JWKS), issuer ({@code mp.jwt.verify.issuer}), expiry, and audience when
 * {@code mp.jwt.verify.audiences} is set. The role comes from {@link AuthConfig.Jwt#roleClaim()}.
 *
 * <p>Parsing runs on a worker thread: fetching or refreshing a remote key set blocks.
 */
@ApplicationScoped
public class JwtAuthenticator {
    private static final Logger LOG = Logger.getLogger(JwtAuthenticator.class);
    private static final List<String> KEY_PROPERTIES = List.of("mp.jwt.verify.publickey",
            "mp.jwt.verify.publickey.location", "smallrye.jwt.verify.key.location");
    /** Larger bearer values are refused without parsing. */
    static final int MAX_TOKEN_LENGTH = 16 * 1024;

    @Inject
    Instance<JWTParser> parser;

    @Inject
    AuthConfig config;

    private volatile Boolean configured;

    /** Whether a verification key is configured at all; without one every JWT is refused. */
    public boolean configured() {
        if (configured == null) {
            var cfg = ConfigProvider.getConfig();
            configured = KEY_PROPERTIES.stream().anyMatch(p -> cfg.getOptionalValue(p, String.class)
                    .filter(v -> !v.isBlank() && !"NONE".equals(v)).isPresent());
        }
        return configured;
    }

    /** The token's caller, or {@code null} when the token is not valid here. */
    public Uni<Identity> authenticate(String token) {
        if (token.length() > MAX_TOKEN_LENGTH || !configured()) {
            return Uni.createFrom().nullItem();
        }
        return io.sluice.api.BlockingCalls.offload(Uni.createFrom().item(() -> verify(token)));
    }

    private Identity verify(String token) {
        try {
            JsonWebToken jwt = parser.get().parse(token);
            Role role = RoleClaim.strongest(jwt::getClaim, config.jwt().roleClaim());
            return new Identity(jwt.getName(), role, Identity.Via.JWT);
        } catch (ParseException e) {
            LOG.debugf("JWT refused: %s", rootMessage(e));
            return null;
        } catch (RuntimeException e) {
            LOG.warnf("JWT verification failed (is mp.jwt.verify.* configured correctly?): %s", rootMessage(e));
            return null;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder text = new StringBuilder(String.valueOf(t.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            text.append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}
