package io.sluice.http;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** A path prefix chosen at run time (Quarkus' own quarkus.http.root-path is fixed at build time). */
@ConfigMapping(prefix = "sluice.http")
public interface RootPathConfig {
    /**
     * Serve every route, {@code /q/health}, {@code /q/metrics} and {@code /q/openapi} under this
     * prefix (e.g. {@code /api/pinot} behind an ingress), and answer 404 to paths outside it.
     * Unset or {@code /}: served at the root.
     */
    Optional<String> rootPath();

    /** The normalized prefix ({@code /api/pinot}: leading slash, no trailing one), or empty for none. */
    static Optional<String> normalize(Optional<String> configured) {
        return configured.map(String::strip).map(p -> p.replaceAll("/+$", ""))
                .filter(p -> !p.isEmpty())
                .map(p -> p.startsWith("/") ? p : "/" + p);
    }
}
