package io.sluice.security;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.sluice.api.ApiError;
import io.sluice.api.SluiceException;
import io.sluice.security.apikey.ApiKeyAuthenticator;
import io.smallrye.mutiny.Uni;

/**
 * Authentication and authorization of every resource method, in one place.
 *
 * <ol>
 * <li>The matched method's {@link Access} (method, else class) names the weakest role allowed; a
 * method without one is refused to everybody (403): deny by default.</li>
 * <li>{@code Authorization: Bearer <token>}: a token with exactly two dots is a JWT
 * ({@link JwtAuthenticator}), anything else an API key ({@link ApiKeyAuthenticator}). No token or an
 * invalid one: 401 with {@code WWW-Authenticate: Bearer}.</li>
 * <li>A role weaker than required: 403, with the required and the actual role in the details.</li>
 * </ol>
 * The caller is then available as {@link Caller} (or the request property {@link Caller#PROPERTY}).
 *
 * <p>It runs after matching (it needs the method), on the thread of the endpoint, and never blocks
 * it: the key lookup is asynchronous, JWT parsing runs on a worker. (It is deliberately not
 * {@code nonBlocking = true}: RESTEasy Reactive would then reject the build as soon as any blocking
 * filter, such as a pre-matching one, ran before it.) Health ({@code /q/health}), metrics
 * ({@code /q/metrics}) and the OpenAPI document ({@code /q/openapi}) are not resource methods and stay
 * public; an unknown path gets its 404.
 */
public class AccessFilter {
    private static final Logger LOG = Logger.getLogger(AccessFilter.class);
    static final String REALM = "Bearer realm=\"sluice\"";

    @Inject
    ApiKeyAuthenticator apiKeys;

    @Inject
    JwtAuthenticator jwts;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Response> authorize(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        Optional<Role> required = method == null ? Optional.empty()
                : AccessRules.required(resource.getResourceClass(), method);
        if (required.isEmpty()) {
            LOG.warnf("Refused %s %s: resource method %s declares no @Access", request.getMethod(),
                    request.getUriInfo().getPath(), method);
            return Uni.createFrom().item(error(Response.Status.FORBIDDEN, new ApiError(
                    "This endpoint declares no access rule and is closed to everyone", "Forbidden",
                    roles(null, null))));
        }
        String token = bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            return Uni.createFrom().item(unauthorized("Missing bearer token: send 'Authorization: Bearer <token>' "
                    + "with an API key or a JWT", REALM));
        }
        Uni<Identity> identity = isJwt(token) ? jwts.authenticate(token) : apiKeys.authenticate(token);
        return identity
                .onFailure().transform(e -> {
                    if (io.sluice.db.ConnectionFailures.isConnectionFailure(e)) {
                        LOG.warnf("Cannot verify credentials: PostgreSQL is unreachable (%s)", e.getMessage());
                    } else {
                        LOG.errorf(e, "Cannot verify credentials");
                    }
                    return new SluiceException(503, "AuthenticationUnavailable",
                            "Credentials cannot be verified right now; try again later");
                })
                .map(caller -> {
                    if (caller == null) {
                        return unauthorized("Invalid, expired or revoked bearer token",
                                REALM + ", error=\"invalid_token\"");
                    }
                    request.setProperty(Caller.PROPERTY, caller);
                    if (!caller.has(required.get())) {
                        return error(Response.Status.FORBIDDEN, new ApiError(
                                "Role " + (caller.role() == null ? "(none)" : "'" + caller.role().wireName() + "'")
                                        + " may not do this; it needs role '" + required.get().wireName()
                                        + "' or stronger",
                                "Forbidden", roles(required.get(), caller.role())));
                    }
                    return null;
                });
    }

    /** The token of an {@code Authorization: Bearer <token>} header, or {@code null}. */
    static String bearerToken(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            return null;
        }
        String token = value.substring(space + 1).strip();
        return token.isEmpty() ? null : token;
    }

    /** A JWS in compact form has exactly two dots; API keys have none. */
    static boolean isJwt(String token) {
        int first = token.indexOf('.');
        return first > 0 && token.indexOf('.', first + 1) > first + 1 && token.chars().filter(c -> c == '.').count() == 2;
    }

    private static Map<String, Object> roles(Role required, Role actual) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("required_role", required == null ? null : required.wireName());
        details.put("actual_role", actual == null ? null : actual.wireName());
        return details;
    }

    private static Response unauthorized(String message, String challenge) {
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(message, "Unauthorized", null))
                .build();
    }

    private static Response error(Response.Status status, ApiError body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
