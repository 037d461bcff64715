package io.sluice.http;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves the whole HTTP surface under {@code sluice.http.root-path}: the first route of the router
 * strips the prefix and reroutes the request, so every endpoint (REST, health, metrics, OpenAPI)
 * answers under the prefix exactly as it does at the root; a path outside the prefix gets 404 in
 * the error shape; and a {@code Location} header the application builds without the prefix gets it.
 */
@ApplicationScoped
public class RootPathRouting {
    /** Set on a request once its prefix was stripped, so the rerouted request passes. */
    private static final String STRIPPED = "sluice.root-path.stripped";

    @Inject
    RootPathConfig config;

    void install(@Observes Router router) {
        Optional<String> prefix = RootPathConfig.normalize(config.rootPath());
        prefix.ifPresent(p -> router.route().order(Integer.MIN_VALUE).handler(ctx -> handle(ctx, p)));
    }

    static void handle(RoutingContext ctx, String prefix) {
        if (ctx.get(STRIPPED) != null) {
            // The rerouted request; a headers-end handler added before the reroute would be dropped by it.
            ctx.addHeadersEndHandler(v -> {
                String location = ctx.response().headers().get(HttpHeaders.LOCATION);
                if (location != null) {
                    ctx.response().putHeader(HttpHeaders.LOCATION, withPrefix(location, prefix));
                }
            });
            ctx.next();
            return;
        }
        String path = ctx.request().path();
        if (path == null || !(path.equals(prefix) || path.startsWith(prefix + "/"))) {
            ctx.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end("{\"message\":\"Not found: this service is served under " + prefix
                            + "\",\"error_code\":\"NotFound\",\"details\":null}");
            return;
        }
        ctx.put(STRIPPED, Boolean.TRUE);
        String rest = path.substring(prefix.length());
        String query = ctx.request().query();
        ctx.reroute((rest.isEmpty() ? "/" : rest) + (query == null ? "" : "?" + query));
    }

    /** {@code http://h/v0/x} becomes {@code http://h/api/pinot/v0/x}; {@code /v0/x} becomes {@code /api/pinot/v0/x}. */
    static String withPrefix(String location, String prefix) {
        int pathStart;
        int scheme = location.indexOf("://");
        if (scheme >= 0) {
            int slash = location.indexOf('/', scheme + 3);
            if (slash < 0) {
                return location + prefix;
            }
            pathStart = slash;
        } else if (location.startsWith("/")) {
            pathStart = 0;
        } else {
            return location; // relative to the request: already under the prefix
        }
        String path = location.substring(pathStart);
        if (path.equals(prefix) || path.startsWith(prefix + "/")) {
            return location;
        }
        return location.substring(0, pathStart) + prefix + path;
    }
}
