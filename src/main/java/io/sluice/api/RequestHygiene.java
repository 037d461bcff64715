package io.sluice.api;

import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Checks every request once, before it is matched to a resource, for what no endpoint can use.
 * <ul>
 * <li>A NUL character ({@code %00}) in the path or the query: 400. PostgreSQL text and file paths
 * cannot hold one, so it would otherwise fail deep inside as a 500.</li>
 * <li>A request without a body and without a {@code Content-Type} (such as
 * {@code curl -X POST 'host/tasks/schedule?taskType=...&tableName=...'}) is taken as an empty JSON
 * body, so it answers like the same request sent with {@code Content-Type: application/json}
 * instead of 415.</li>
 * </ul>
 */
public class RequestHygiene {

    @ServerRequestFilter(preMatching = true)
    public void check(ContainerRequestContext request) {
        String path = request.getUriInfo().getRequestUri().getRawPath();
        String query = request.getUriInfo().getRequestUri().getRawQuery();
        if (hasNul(path) || hasNul(query)) {
            throw SluiceException.badRequest("InvalidCharacter",
                    "NUL characters (%00) are not allowed in the path or the query",
                    Map.of("where", hasNul(path) ? "path" : "query"));
        }
        if (request.getHeaderString(HttpHeaders.CONTENT_TYPE) == null && !hasBody(request)) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
    }

    private static boolean hasNul(String raw) {
        return raw != null && (raw.indexOf('\0') >= 0 || raw.toLowerCase(Locale.ROOT).contains("%00"));
    }

    private static boolean hasBody(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        return request.getHeaderString("Transfer-Encoding") != null || (length != null && !"0".equals(length.trim()));
    }
}
