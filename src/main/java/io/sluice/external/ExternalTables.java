package io.sluice.external;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;

import org.apache.iceberg.exceptions.NoSuchTableException;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.sluice.SluiceConfig;
import io.sluice.api.BlockingCalls;
import io.sluice.api.SluiceException;
import io.sluice.external.iceberg.IcebergCatalogs;
import io.sluice.external.iceberg.IcebergSchemas;
import io.sluice.pipeline.Pipeline;
import io.sluice.pipeline.PipelineService;
import io.sluice.pipeline.StorageCleared;
import io.sluice.pipeline.TargetTables;
import io.sluice.pipeline.spec.LoadStrategy;
import io.sluice.pipeline.spec.PipelineRequest;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.pipeline.spec.SourceSpec;
import io.sluice.polling.ScheduledRuns;
import io.sluice.source.ConnectorService;
import io.sluice.source.ConnectorType;
import io.sluice.source.LocalCopy;
import io.sluice.source.S3Settings;
import io.sluice.source.SourceFile;
import io.sluice.source.SourceStores;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * External tables (seed A, PRODUCT.md): {@code POST /tables} creates the table's pipeline
 * ({@code <table>_OFFLINE}, loading into a PostgreSQL table named {@code <table>}, its columns derived
 * from the Iceberg or Parquet schema unless a Pinot schema is given) and starts it, its watcher IDLE.
 */
@ApplicationScoped
public class ExternalTables {
    private static final Logger LOG = Logger.getLogger(ExternalTables.class);
    public static final String OFFLINE = "OFFLINE";
    /** Parallelism of sync runs (4 measured no slower than 2 on 2 cores: the run threads mostly wait on PostgreSQL). */
    static final int SYNC_PARTITIONS = 4;
    private static final Duration PROVISIONING_WAIT = Duration.ofSeconds(60);

    @Inject
    PipelineService pipelines;
    @Inject
    ExternalTableSources sources;
    @Inject
    CatalogSecrets secrets;
    @Inject
    ConnectorService connectors;
    @Inject
    SourceStores stores;
    @Inject
    WatcherStore watcher;
    @Inject
    ExternalTableSync sync;
    @Inject
    TargetTables tables;
    @Inject
    BlockingCalls blocking;
    @Inject
    InstantSource clock;
    @Inject
    SluiceConfig sluice;
    @Inject
    Pool pool;
    @Inject
    io.sluice.pipeline.PipelineJson json;

    static SluiceException unknown(String table) {
        return SluiceException.notFound("TableNotFound", "Table '" + table + "' not found", Map.of("tableName", table));
    }

    /** The table by name, with or without type, or 404. */
    public static Uni<ExternalTable> require(String name) {
        return ExternalTable.findByName(name).map(t -> {
            if (t == null) {
                throw unknown(name);
            }
            return t;
        });
    }

    public Uni<ExternalTableView> create(TableConfigRequest shape) {
        SyncTaskConfig config = SyncTaskConfig.of(shape);
        secrets.check(config);
        if (config.schedule() != null) {
            try {
                ScheduledRuns.fireAfter(config.schedule(), clock.instant().atZone(ZoneOffset.UTC));
            } catch (IllegalArgumentException e) {
                throw SluiceException.badRequest("InvalidCron", "Invalid cron expression '" + config.schedule() + "': "
                        + e.getMessage() + " (Quartz syntax with seconds, e.g. '0 */30 * * * ?')", Map.of("field", "schedule"));
            }
        }
        String name = shape.nameWithType();
        return Panache.withSession(() -> ExternalTable.findByName(name).chain(existing -> Pipeline.count("name", name)
                .chain(pipelinesNamed -> {
                    if (existing != null || pipelinesNamed > 0) {
                        throw SluiceException.conflict("TableAlreadyExists", "Table '" + name + "' already exists",
                                Map.of("tableNameWithType", name));
                    }
                    return columns(shape, config);
                })))
                .chain(columns -> Panache.withTransaction(() -> pipelines.create(pipelineRequest(shape, config, columns))
                        .chain(p -> {
                            ExternalTable t = new ExternalTable();
                            t.tableNameWithType = name;
                            t.tableName = shape.bareName();
                            t.tableType = OFFLINE;
                            t.pipelineId = p.id;
                            t.kind = config.iceberg() ? ExternalTable.ICEBERG : ExternalTable.S3;
                            t.taskConfig = json.write(shape.syncTask().entries());
                            t.schemaConfig = shape.schema() == null ? null : json.write(shape.schema());
                            t.schedule = config.schedule();
                            t.createdAt = clock.instant();
                            return t.<ExternalTable>persist();
                        })
                        .call(t -> pipelines.start(name, "running", true))))
                .call(t -> watcher.reset(name))
                .call(t -> blocking.run(() -> {
                    awaitProvisioned(t);
                    return null;
                }))
                .map(this::view);
    }

    /** Columns of the target table: the posted Pinot schema, else the Iceberg schema, else a Parquet object's. */
    private Uni<List<TargetColumn>> columns(TableConfigRequest shape, SyncTaskConfig config) {
        if (shape.schema() != null) {
            return Uni.createFrom().item(TableSchemas.fromPinot(shape.schema()));
        }
        if (config.iceberg()) {
            return sources.catalogProperties(config).chain(props -> blocking.run(() -> {
                try {
                    return IcebergCatalogs.withTable(props, config.icebergTable(),
                            t -> IcebergSchemas.columns(t.schema()));
                } catch (NoSuchTableException e) {
                    throw SluiceException.badRequest("UnknownIcebergTable", "Iceberg table '" + config.icebergTable()
                            + "' does not exist in the catalog", Map.of("icebergTable", config.icebergTable()));
                }
            }));
        }
        return connectors.require(config.connector()).chain(c -> {
            if (ConnectorType.fromWire(c.type) != ConnectorType.S3) {
                throw SluiceException.invalidField("task.taskTypeConfigsMap.ExternalTableSyncTask.connector",
                        "Connector '" + c.name + "' is not an s3 connector");
            }
            String bucket = S3Settings.parse(connectors.config(c)).bucket();
            if (!bucket.equals(config.bucket())) {
                throw SluiceException.invalidField("task.taskTypeConfigsMap.ExternalTableSyncTask.inputDirURI",
                        "inputDirURI names bucket '" + config.bucket() + "' but connector '" + c.name + "' reads bucket '" + bucket + "'");
            }
            if (config.inputFormat() != SourceFormat.PARQUET) {
                throw SluiceException.invalidField("schema", "A " + config.inputFormat()
                        + " table needs a schema (only Parquet files carry one)");
            }
            var store = stores.of(c);
            return store.list(config.prefix(), "*.parquet").chain(files -> {
                if (files.isEmpty()) {
                    throw SluiceException.badRequest("SchemaNotDerivable", "No Parquet object under " + config.inputDirUri()
                            + " to derive the schema from; give a schema or upload a file first",
                            Map.of("inputDirURI", config.inputDirUri()));
                }
                SourceFile first = files.get(0);
                return blocking.run(() -> {
                    try {
                        Path dir = Files.createDirectories(sluice.dataDir().resolve("tmp"));
                        try (LocalCopy copy = store.download(first, dir)) {
                            return TableSchemas.fromParquet(copy.path());
                        }
                    } catch (java.io.IOException e) {
                        throw SluiceException.badRequest("SchemaNotDerivable", "Cannot read the schema of " + first.path()
                                + ": " + e.getMessage(), Map.of("inputDirURI", config.inputDirUri()));
                    }
                });
            });
        });
    }

    private static PipelineRequest pipelineRequest(TableConfigRequest shape, SyncTaskConfig config, List<TargetColumn> columns) {
        SourceSpec source = config.iceberg()
                ? config.connector() == null ? null : new SourceSpec(config.connector(), null, null, SourceFormat.PARQUET, null)
                : new SourceSpec(config.connector(), config.prefix(), null, config.inputFormat(), null);
        String what = config.iceberg() ? "Iceberg table " + config.icebergTable() : config.inputDirUri();
        return new PipelineRequest(shape.nameWithType(), "External table " + shape.nameWithType() + ": " + what,
                null, null, null, TargetColumn.createTable(shape.bareName(), columns), null, null, source, LoadStrategy.APPEND,
                SYNC_PARTITIONS, null, null, true, null, null);
    }

    /** "Provisioned at once": the reconciler creates the target table within seconds; wait for it (bounded). */
    private void awaitProvisioned(ExternalTable t) {
        long deadline = System.nanoTime() + PROVISIONING_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var row = pool.preparedQuery("SELECT deployment_resources_status, deployment_resources_desired_status"
                    + " FROM sluice.pipeline WHERE id = $1").execute(Tuple.of(t.pipelineId)).await().indefinitely();
            if (row.size() == 0) {
                return;
            }
            var r = row.iterator().next();
            if ("Provisioned".equals(r.getString(0)) || "Stopped".equals(r.getString(1))) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @WithSession
    public Uni<List<String>> names() {
        return ExternalTable.<ExternalTable>listAll(Sort.by("tableName")).map(all -> all.stream().map(t -> t.tableName).toList());
    }

    @WithSession
    public Uni<ExternalTableView> get(String name) {
        return require(name).map(this::view);
    }

    /** Deletes the table: its pipeline, runs, segments, the loaded rows, watcher status and checkpoint. */
    public Uni<Void> delete(String name) {
        return Panache.withTransaction(() -> require(name).call(t -> watcher.syncClaimed(t.tableNameWithType).invoke(claimed -> {
            // a sync of this replica, or of another one (its claim in ZooKeeper)
            if (claimed || sync.isSyncing(t.tableNameWithType)) {
                throw SluiceException.conflict("SyncInProgress", "Table '" + t.tableNameWithType
                        + "' is being synced; delete it when the sync ended", Map.of("tableNameWithType", t.tableNameWithType));
            }
        })).chain(t -> {
            return tables.drop(t.tableName, t.pipelineId)
                    .chain(() -> Pipeline.delete("id", t.pipelineId))
                    .replaceWith(t);
        })).invoke(t -> sources.forget(t.tableNameWithType)).chain(t -> watcher.forget(t.tableNameWithType));
    }

    /**
     * /clear of a table's pipeline dropped the loaded rows and forgot its segments (Reconciler): its
     * checkpoint and watcher status go too, so the next sync loads the table from its current snapshot whole.
     */
    void onStorageCleared(@ObservesAsync StorageCleared cleared) {
        try {
            ExternalTable t = BlockingCalls.awaitOnContext(() -> Panache.withSession(() -> ExternalTable.findByPipeline(cleared.pipelineId())));
            if (t == null) {
                return;
            }
            watcher.reset(t.tableNameWithType).await().indefinitely();
            LOG.infof("Pipeline %s cleared: its external table's checkpoint and watcher status are reset",
                    cleared.pipelineName());
        } catch (RuntimeException e) {
            LOG.warnf(e, "Resetting the external table of cleared pipeline %s failed", cleared.pipelineName());
        }
    }

    ExternalTableView view(ExternalTable t) {
        SyncTaskConfig c = sources.config(t);
        return new ExternalTableView(t.tableName, t.tableNameWithType, t.tableType, t.kind, c.catalogType(),
                CatalogSecrets.shown(c.catalog().get("uri")), c.icebergTable(), c.connector(), c.inputDirUri(),
                c.iceberg() ? null : c.inputFormat().toString(), t.schedule, t.pipelineId, tables.qualified(t.tableName),
                t.createdAt);
    }
}
