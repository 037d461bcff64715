package io.sluice.source;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.sluice.api.BlockingCalls;

/**
 * The {@link SourceStore} of each connector. S3 stores (and their clients) are kept per connector
 * while its configuration stays the same; a changed or deleted connector's client is closed, and so
 * is every client at shutdown.
 */
@ApplicationScoped
public class SourceStores {
    @Inject
    ConnectorService connectors;
    @Inject
    BlockingCalls blocking;
    @Inject
    S3Clients s3;

    private final Map<UUID, S3Store> s3Stores = new ConcurrentHashMap<>();

    /** The store of the connector named {@code name}; 404 {@code UnknownConnector} when there is none. */
    @WithSession
    public Uni<SourceStore> forConnector(String name) {
        return connectors.require(name).map(this::of);
    }

    /** The store of a connector already loaded. */
    public SourceStore of(Connector connector) {
        Map<String, Object> config = connectors.config(connector);
        return switch (ConnectorType.fromWire(connector.type)) {
            case LOCAL -> {
                forget(connector.id);
                yield new LocalStore(connector.name, new LocalRoot(Path.of(String.valueOf(config.get("root")))), blocking);
            }
            case S3 -> {
                S3Settings settings = S3Settings.parse(config);
                yield s3Stores.compute(connector.id, (id, cached) -> {
                    if (cached != null && cached.settings().equals(settings)) {
                        return cached;
                    }
                    if (cached != null) {
                        cached.close();
                    }
                    return new S3Store(connector.name, settings, s3);
                });
            }
        };
    }

    void onChange(@Observes ConnectorChanged change) {
        forget(change.id());
    }

    private void forget(UUID connectorId) {
        S3Store store = s3Stores.remove(connectorId);
        if (store != null) {
            store.close();
        }
    }

    @PreDestroy
    void close() {
        s3Stores.keySet().forEach(this::forget);
    }
}
