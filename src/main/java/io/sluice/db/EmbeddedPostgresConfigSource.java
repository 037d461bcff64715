package io.sluice.db;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Answers the datasource URL with an embedded PostgreSQL when nothing else configures one.
 *
 * <p>Its ordinal is below every real source (application.properties 250, environment 300, system
 * properties 400), so it is only asked when no configured value exists; and it starts the server on
 * the first such question, i.e. when the reactive pool is created at runtime, never during the build.
 */
final class EmbeddedPostgresConfigSource implements ConfigSource {
    static final String URL = "quarkus.datasource.reactive.url";
    static final String USERNAME = "quarkus.datasource.username";
    static final String PASSWORD = "quarkus.datasource.password";
    private static final int ORDINAL = 10;

    private final Path dataDir;
    private final boolean durable;
    private final int port;

    EmbeddedPostgresConfigSource(Path dataDir, boolean durable, int port) {
        this.dataDir = dataDir;
        this.durable = durable;
        this.port = port;
    }

    @Override
    public Set<String> getPropertyNames() {
        // Deliberately empty: the build records every named runtime value as a default, which
        // would start a server during the build and bake its port into the application.
        return Set.of();
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of();
    }

    @Override
    public String getValue(String propertyName) {
        return switch (propertyName) {
            // The URL carries the credentials too; pgjdbc callers read them from these two keys.
            case URL -> EmbeddedPostgres.startOnce(dataDir, durable, port).reactiveUrl();
            case USERNAME -> PostgresAuth.USER;
            case PASSWORD -> EmbeddedPostgres.startOnce(dataDir, durable, port).password();
            default -> null;
        };
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }

    @Override
    public String getName() {
        return "EmbeddedPostgreSQL";
    }
}
