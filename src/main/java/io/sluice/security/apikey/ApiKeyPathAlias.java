package io.sluice.security.apikey;

import java.net.URI;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * {@code /v0/api_keys[/...]} is an alias of {@code /v0/api-keys[/...]} (the spelling some existing
 * clients use): the request is routed to {@link ApiKeyResource} before matching, so both paths share
 * one implementation, one access rule and one OpenAPI entry.
 */
public class ApiKeyPathAlias {
    static final String ALIAS = "v0/api_keys";
    static final String CANONICAL = "v0/api-keys";

    @ServerRequestFilter(preMatching = true)
    public void rewrite(ContainerRequestContext request) {
        UriInfo uri = request.getUriInfo();
        URI original = uri.getRequestUri();
        String base = uri.getBaseUri().getRawPath();
        base = base.endsWith("/") ? base : base + "/";
        String path = original.getRawPath();
        if (path == null || !path.startsWith(base)) {
            return;
        }
        String relative = path.substring(base.length());
        if (relative.equals(ALIAS) || relative.startsWith(ALIAS + "/")) {
            String query = original.getRawQuery() == null ? "" : "?" + original.getRawQuery();
            request.setRequestUri(URI.create(original.getScheme() + "://" + original.getRawAuthority() + base
                    + CANONICAL + relative.substring(ALIAS.length()) + query));
        }
    }
}
