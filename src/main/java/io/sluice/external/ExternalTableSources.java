package io.sluice.external;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.StorageCredential;
import org.apache.iceberg.io.SupportsStorageCredentials;

import software.amazon.awssdk.auth.credentials.AwsCredentials;

import io.smallrye.mutiny.Uni;
import io.sluice.external.iceberg.IcebergCatalogs;
import io.sluice.external.iceberg.IcebergFileStore;
import io.sluice.pipeline.PipelineJson;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.pipeline.spec.SourceSpec;
import io.sluice.run.ExternalSources;
import io.sluice.source.ConnectorService;
import io.sluice.source.ConnectorType;
import io.sluice.source.S3Clients;
import io.sluice.source.S3Settings;
import io.sluice.source.SourceStores;

/**
 * Where an external table's files are: the Iceberg catalog's properties (with the S3 settings of
 * the table's s3 connector, if it names one) and the stores that read data files, for syncs and for
 * the runs they start. Methods returning {@link Uni} need a Hibernate session.
 */
@ApplicationScoped
public class ExternalTableSources implements ExternalSources {
    @Inject
    PipelineJson json;
    @Inject
    ConnectorService connectors;
    @Inject
    SourceStores stores;
    @Inject
    S3Clients s3;
    @Inject
    CatalogSecrets secrets;
    @Inject
    ExternalColumns columns;

    public SyncTaskConfig config(ExternalTable table) {
        return SyncTaskConfig.ofEntry(json.tree(table.taskConfig));
    }

    @Override
    public Uni<Optional<External>> of(UUID pipelineId) {
        return ExternalTable.findByPipeline(pipelineId).chain(table -> {
            if (table == null) {
                return Uni.createFrom().item(Optional.<External>empty());
            }
            SyncTaskConfig config = config(table);
            if (config.iceberg()) {
                Uni<Map<String, Object>> options = table.schemaConfig != null ? Uni.createFrom().item(Map.<String, Object>of())
                        : columns.mapping(table.tableName).map(ExternalColumns::readerOptions);
                return options.chain(o -> catalogProperties(config).map(props -> Optional.of(new External(
                        new SourceSpec(config.connector(), null, null, SourceFormat.PARQUET, o.isEmpty() ? null : o),
                        new IcebergFileStore(table.tableNameWithType, fileIO(table.tableNameWithType, props))))));
            }
            return stores.forConnector(config.connector()).map(store -> Optional.of(new External(
                    new SourceSpec(config.connector(), config.prefix(), null, config.inputFormat(), null), store)));
        });
    }

    private record CachedIO(Map<String, String> props, FileIO io) {
    }

    /** The FileIO settings of a table as its catalog last loaded it: with credentials a REST catalog vended. */
    private record TableIO(Map<String, String> props, java.util.List<StorageCredential> credentials) {
    }

    private final Map<String, TableIO> tableIOs = new ConcurrentHashMap<>();

    /**
     * Keeps the settings of the FileIO the catalog gave the table (a REST catalog's load-table config,
     * vended credentials) for the runs that read its files: they are not in the table config.
     */
    void rememberTableIO(String table, FileIO io) {
        tableIOs.put(table, new TableIO(Map.copyOf(io.properties()),
                io instanceof SupportsStorageCredentials s ? java.util.List.copyOf(s.credentials()) : java.util.List.of()));
    }

    /** FileIOs (and their S3 clients) of the tables' data files, kept while the table's settings stay the same. */
    private final Map<String, CachedIO> ios = new ConcurrentHashMap<>();

    private FileIO fileIO(String table, Map<String, String> catalogProps) {
        TableIO vended = tableIOs.get(table);
        Map<String, String> props = new HashMap<>(catalogProps);
        if (vended != null) {
            props.putAll(vended.props());
        }
        return ios.compute(table, (name, cached) -> {
            if (cached != null && cached.props().equals(props)) {
                return cached;
            }
            if (cached != null) {
                cached.io().close();
            }
            FileIO io = IcebergCatalogs.fileIO(props);
            if (vended != null && !vended.credentials().isEmpty() && io instanceof SupportsStorageCredentials s) {
                s.setCredentials(vended.credentials());
            }
            return new CachedIO(Map.copyOf(props), io);
        }).io();
    }

    /** Closes the FileIO of a deleted table. */
    void forget(String table) {
        tableIOs.remove(table);
        CachedIO cached = ios.remove(table);
        if (cached != null) {
            cached.io().close();
        }
    }

    @PreDestroy
    void close() {
        ios.keySet().forEach(this::forget);
    }

    /** The properties the Iceberg catalog (and its FileIO) is opened with. Holds resolved credentials: never store or show them. */
    public Uni<Map<String, String>> catalogProperties(SyncTaskConfig config) {
        if (config.connector() == null) {
            return Uni.createFrom().item(IcebergCatalogs.properties(config.catalogType(), secrets.resolve(config.catalog()), Map.of()));
        }
        return connectors.require(config.connector()).map(c -> {
            if (ConnectorType.fromWire(c.type) != ConnectorType.S3) {
                throw io.sluice.api.SluiceException.invalidField("task.taskTypeConfigsMap.ExternalTableSyncTask.connector",
                        "Connector '" + c.name + "' is not an s3 connector");
            }
            return IcebergCatalogs.properties(config.catalogType(), secrets.resolve(config.catalog()), s3Properties(S3Settings.parse(connectors.config(c))));
        });
    }

    /** iceberg-aws S3FileIO settings of an s3 connector. */
    private Map<String, String> s3Properties(S3Settings settings) {
        Map<String, String> props = new HashMap<>();
        props.put("client.region", settings.region());
        props.put("http-client.type", "urlconnection");
        props.put("s3.path-style-access", String.valueOf(settings.pathStyle()));
        if (settings.endpoint() != null) {
            props.put("s3.endpoint", settings.endpoint().toString());
        }
        if (settings.namedCredentials()) {
            AwsCredentials credentials = s3.credentials(settings).resolveCredentials();
            props.put("s3.access-key-id", credentials.accessKeyId());
            props.put("s3.secret-access-key", credentials.secretAccessKey());
        }
        return props;
    }
}
