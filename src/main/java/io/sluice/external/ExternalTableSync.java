package io.sluice.external;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.iceberg.exceptions.NoSuchTableException;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.sluice.api.BlockingCalls;
import io.sluice.api.SluiceException;
import io.sluice.external.iceberg.IcebergCatalogs;
import io.sluice.external.iceberg.IcebergChanges;
import io.sluice.external.iceberg.IcebergColumns;
import io.sluice.external.iceberg.IcebergPlanner;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.run.Run;
import io.sluice.run.RunService;
import io.sluice.run.SnapshotChanges;
import io.sluice.run.SnapshotTransaction;
import io.sluice.source.SourceFile;
import io.sluice.source.SourceStores;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code ExternalTableSyncTask}: finds what an external table changed since its last sync
 * (Iceberg: its live data files and their delete files against those loaded, {@link IcebergChanges},
 * or for an {@code append-only} table an incremental append scan from the checkpoint snapshot; raw
 * S3: objects last modified at or after the watermark), mirrors the Iceberg schema's changes into the
 * target table ({@link ExternalColumns}), loads the files in one ordinary run (trigger {@code sync};
 * an Iceberg sync's loads and deletes in one transaction, {@link SnapshotTransaction}; a raw S3
 * sync's files each in one; a row that cannot be converted failing the run), keeps the watcher
 * status in ZooKeeper up to date while it goes, and advances the checkpoint only when the run
 * completed. One sync per table at a time.
 */
@ApplicationScoped
public class ExternalTableSync {
    private static final Logger LOG = Logger.getLogger(ExternalTableSync.class);
    static final String TASK_PREFIX = "Task_" + SyncTaskConfig.TASK_TYPE + "_";
    private static final Duration WATCH_INTERVAL = Duration.ofMillis(100);
    private static final String RUN_STATE = """
            SELECT r.status, r.error_message,
                   (SELECT count(*) FROM sluice.segment s WHERE s.pipeline_id = r.pipeline_id AND s.run_id = r.id AND s.state = 'loaded')
            FROM sluice.run r WHERE r.id = $1""";

    @Inject
    WatcherStore watcher;
    @Inject
    ExternalTableSources sources;
    @Inject
    SourceStores stores;
    @Inject
    RunService runs;
    @Inject
    Pool pool;
    @Inject
    InstantSource clock;
    @Inject
    ExternalColumns columns;
    @Inject
    SnapshotTransaction snapshots;

    /** Task name of the sync going, by table name with type. */
    private final Map<String, String> running = new ConcurrentHashMap<>();
    private final AtomicInteger threadCount = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sluice-sync-" + threadCount.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /**
     * What a sync loads and where it leaves the checkpoint once loaded; for an Iceberg table also
     * its schema and name mapping (mirrored before the rows load).
     */
    record Plan(Map<SourceFile, Long> files, Checkpoint.Type type, String checkpoint, org.apache.iceberg.Schema schema,
            Map<Integer, List<String>> nameMapping, SnapshotChanges changes, String reconciled) {
        Plan(Map<SourceFile, Long> files, Checkpoint.Type type, String checkpoint) {
            this(files, type, checkpoint, null, Map.of(), null, null);
        }
    }

    /**
     * Starts a sync of the table (by name, with or without type) unless one is going, and answers
     * the task name of the sync that goes; 404 for an unknown table.
     */
    public Uni<String> trigger(String tableName) {
        return Panache.withSession(() -> ExternalTable.findByName(tableName)).map(t -> {
            if (t == null) {
                throw ExternalTables.unknown(tableName);
            }
            String task = TASK_PREFIX + clock.millis();
            String going = running.putIfAbsent(t.tableNameWithType, task);
            if (going != null) {
                LOG.infof("Table %s: a sync is going (%s); not starting another", t.tableNameWithType, going);
                return going;
            }
            try {
                threads.submit(() -> {
                    try {
                        sync(t, task);
                    } finally {
                        running.remove(t.tableNameWithType);
                    }
                });
            } catch (RuntimeException e) {
                running.remove(t.tableNameWithType);
                throw e;
            }
            return task;
        });
    }

    /** Whether a sync of the table runs in this replica. */
    public boolean isSyncing(String tableNameWithType) {
        return running.containsKey(tableNameWithType);
    }

    void onStop(@Observes ShutdownEvent event) {
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sync(ExternalTable table, String task) {
        String name = table.tableNameWithType;
        // Another replica triggered at the same moment must not overwrite this sync's status (nor
        // this one its): the sync of a table is claimed in ZooKeeper first.
        String claim = task + " " + UUID.randomUUID();
        try {
            if (!await(watcher.claimSync(name, claim))) {
                LOG.infof("Table %s: another replica is syncing it; %s not started", name, task);
                return;
            }
        } catch (RuntimeException e) {
            LOG.errorf("Table %s: %s not started, its sync could not be claimed in ZooKeeper: %s", name, task, e.getMessage());
            return;
        }
        try {
            if (runActive(table.pipelineId)) {
                // a manual run (or a sync that outlived its replica's claim) is loading this table: leave its status alone
                LOG.infof("Table %s: a run of its pipeline is going; %s not started", name, task);
                return;
            }
            syncClaimed(table, task);
        } finally {
            try {
                await(watcher.releaseSync(name, claim));
            } catch (RuntimeException e) {
                LOG.warnf("Table %s: the sync claim could not be released (it goes with this replica's session): %s",
                        name, e.getMessage());
            }
        }
    }

    private void syncClaimed(ExternalTable table, String task) {
        String name = table.tableNameWithType;
        long start = clock.millis();
        WatcherStatus status = await(watcher.status(name)).restart(start, 0);
        int segments = 0;
        try {
            await(watcher.write(status));
            LOG.infof("Table %s: %s started", name, task);
            SyncTaskConfig config = sources.config(table);
            Checkpoint checkpoint = await(watcher.checkpoint(name));
            Plan plan = config.iceberg() ? icebergPlan(table, config, checkpoint) : s3Plan(table, config, checkpoint);
            if (plan.schema() != null && table.schemaConfig == null) {
                // columns by field id: added, renamed, widened, dropped fields mirrored before any row loads
                await(columns.mirror(table.pipelineId, table.tableName, plan.schema(), plan.nameMapping(), config.icebergTable()));
            }
            Set<String> loaded = loaded(table.pipelineId, plan.files().keySet());
            List<SourceFile> todo = plan.files().keySet().stream().filter(f -> !loaded.contains(f.path())).toList();
            segments = loaded.size();
            status = WatcherStatus.running(name, start, plan.files().size()).progress(segments);
            await(watcher.write(status));
            if (plan.reconciled() != null) {
                LOG.infof("Table %s: %s: reconciled by files (%d data file(s) to load, %d loaded one(s) no longer in the"
                        + " table, %d to load again)", name, plan.reconciled(), todo.size(), plan.changes().removed().size(),
                        plan.changes().reloaded().size());
            }
            Run run;
            String[] outcome;
            if (plan.changes() != null) {
                // the run's load, its deletes and its files' segments in one transaction (SnapshotTransaction)
                snapshots.expect(table.pipelineId, plan.changes().withRowCounts(plan.files()));
            }
            try {
                run = onContext(() -> runs.startPlanned(table.pipelineId, "sync", todo));
                if (plan.reconciled() != null) {
                    await(runs.log(run.id, "extract", "Iceberg table " + config.icebergTable() + ": " + plan.reconciled()
                            + "; reconciled by files: current data files against those loaded"));
                }
                outcome = watch(run.id, status, loaded.size());
            } finally {
                snapshots.forget(table.pipelineId);
            }
            segments = loaded.size() + Integer.parseInt(outcome[2]);
            // COMPLETED means every row is there: a sync run never ends completed_with_errors (a row
            // error fails it), and if one did its checkpoint would not move either.
            if ("completed".equals(outcome[0])) {
                if (plan.checkpoint() != null) {
                    await(watcher.write(new Checkpoint(name, plan.type(), plan.checkpoint())));
                }
                status = status.completed(clock.millis(), segments, plan.checkpoint());
                LOG.infof("Table %s: %s completed, %d file(s), checkpoint %s", name, task, plan.files().size(), plan.checkpoint());
            } else {
                status = status.failed(clock.millis(), segments, "Sync run " + run.id + " " + outcome[0]
                        + " loading " + what(config, checkpoint, plan) + (outcome[1] == null ? "" : ": " + outcome[1])
                        + "; checkpoint unchanged");
                LOG.warnf("Table %s: %s failed: %s", name, task, status.errorMessage());
            }
        } catch (Exception e) {
            String why = e instanceof InterruptedException
                    ? "Sluice stopped during the sync; the next sync loads the files it left" : message(e);
            if (!(e instanceof SluiceException || e instanceof IcebergPlanner.SyncRefused
                    || e instanceof IcebergCatalogs.CatalogUnreachable)) {
                LOG.errorf(e, "Table %s: %s failed", name, task);
            }
            status = status.failed(clock.millis(), segments, why);
            LOG.warnf("Table %s: %s failed: %s", name, task, why);
        }
        try {
            await(watcher.write(status));
        } catch (RuntimeException e) {
            LOG.errorf(e, "Table %s: the watcher status could not be written", name);
        }
    }

    /** What a sync loads, for its messages: the Iceberg table and snapshot range, or the S3 prefix. */
    private static String what(SyncTaskConfig config, Checkpoint from, Plan plan) {
        if (!config.iceberg()) {
            return plan.files().size() + " object(s) of " + config.inputDirUri();
        }
        return plan.files().size() + " data file(s) of Iceberg table " + config.icebergTable() + " up to snapshot "
                + plan.checkpoint() + (from.checkpointValue() == null ? "" : " from snapshot " + from.checkpointValue());
    }

    private Plan icebergPlan(ExternalTable table, SyncTaskConfig config, Checkpoint checkpoint) {
        Map<String, String> props = onContext(() -> Panache.withSession(() -> sources.catalogProperties(config)));
        Long from = checkpoint.checkpointType() == Checkpoint.Type.SNAPSHOT_ID ? checkpoint.asLong() : null;
        Map<String, Set<String>> loaded = config.appendOnly() ? Map.of() : loadedWithDeletes(table.pipelineId);
        try {
            return IcebergCatalogs.withTable(props, config.icebergTable(), t -> {
                // credentials a REST catalog vended with the table, for the run that reads its files
                sources.rememberTableIO(table.tableNameWithType, t.io());
                if (config.appendOnly()) {
                    IcebergPlanner.Plan plan = IcebergPlanner.plan(t, from);
                    return new Plan(plan.files(), Checkpoint.Type.SNAPSHOT_ID,
                            plan.snapshotId() == null ? null : plan.snapshotId().toString(), t.schema(),
                            IcebergColumns.nameMapping(t), plan.snapshotId() == null ? null
                                    : SnapshotChanges.loadOnly(plan.snapshotId()), null);
                }
                IcebergChanges.Plan plan = IcebergChanges.plan(t, from, loaded);
                String reached = t.currentSnapshot() == null ? null : Long.toString(plan.changes().snapshotId());
                return new Plan(plan.files(), Checkpoint.Type.SNAPSHOT_ID, reached, t.schema(), IcebergColumns.nameMapping(t),
                        plan.changes(), plan.reconciled());
            });
        } catch (NoSuchTableException e) {
            throw new IcebergPlanner.SyncRefused("Iceberg table '" + config.icebergTable() + "' does not exist in the catalog");
        }
    }

    /**
     * Objects under inputDirURI last modified after the watermark, or at it and not loaded yet (an
     * object written in the watermark's own second after the listing); the new watermark is the latest of them.
     */
    private Plan s3Plan(ExternalTable table, SyncTaskConfig config, Checkpoint checkpoint) {
        Long watermark = checkpoint.checkpointType() == Checkpoint.Type.TIMESTAMP ? checkpoint.asLong() : null;
        List<SourceFile> listed = onContext(() -> Panache.withSession(() -> stores.forConnector(config.connector())
                .chain(store -> store.list(config.prefix(), glob(config.inputFormat())))));
        Set<String> loadedAtWatermark = loaded(table.pipelineId, listed.stream()
                .filter(f -> watermark != null && f.lastModified() != null && f.lastModified().toEpochMilli() == watermark)
                .collect(java.util.stream.Collectors.toSet()));
        Map<SourceFile, Long> files = new LinkedHashMap<>();
        long latest = watermark == null ? Long.MIN_VALUE : watermark;
        for (SourceFile f : listed) {
            long modified = f.lastModified() == null ? 0 : f.lastModified().toEpochMilli();
            if (watermark == null || modified > watermark || modified == watermark && !loadedAtWatermark.contains(f.path())) {
                files.put(f, null);
                latest = Math.max(latest, modified);
            }
        }
        return new Plan(files, Checkpoint.Type.TIMESTAMP, latest == Long.MIN_VALUE ? null : Long.toString(latest));
    }

    private static String glob(SourceFormat format) {
        return switch (format) {
            case PARQUET -> "*.parquet";
            case CSV -> "*.csv";
            case JSONL -> "*.json*";
        };
    }

    private boolean runActive(UUID pipelineId) {
        return pool.preparedQuery("SELECT 1 FROM sluice.run WHERE pipeline_id = $1 AND status IN ('pending', 'running')")
                .execute(Tuple.of(pipelineId)).await().indefinitely().size() > 0;
    }

    /** The pipeline's loaded files, each with the (Iceberg) delete files applied to its rows. */
    private Map<String, Set<String>> loadedWithDeletes(UUID pipelineId) {
        Map<String, Set<String>> loaded = new LinkedHashMap<>();
        pool.preparedQuery("""
                SELECT s.source_path, d.delete_path FROM sluice.segment s
                LEFT JOIN sluice.segment_delete d ON d.segment_id = s.id
                WHERE s.pipeline_id = $1 AND s.state = 'loaded'""")
                .execute(Tuple.of(pipelineId)).await().indefinitely().forEach(r -> {
                    Set<String> deletes = loaded.computeIfAbsent(r.getString(0), k -> new HashSet<>());
                    if (r.getString(1) != null) {
                        deletes.add(r.getString(1));
                    }
                });
        return loaded;
    }

    /** Paths among {@code files} the pipeline has loaded already (each file is loaded once). */
    private Set<String> loaded(UUID pipelineId, Set<SourceFile> files) {
        Set<String> loaded = new HashSet<>();
        if (files.isEmpty()) {
            return loaded;
        }
        String[] paths = files.stream().map(SourceFile::path).toArray(String[]::new);
        pool.preparedQuery("SELECT source_path FROM sluice.segment WHERE pipeline_id = $1 AND source_path = ANY($2) AND state = 'loaded'")
                .execute(Tuple.of(pipelineId, paths)).await().indefinitely()
                .forEach(r -> loaded.add(r.getString(0)));
        return loaded;
    }

    /** Follows the run to its end, writing RUNNING with the segments done so far. Returns status, error, segments. */
    private String[] watch(UUID runId, WatcherStatus status, int before) throws InterruptedException {
        int shown = -1;
        while (true) {
            Row row = pool.preparedQuery(RUN_STATE).execute(Tuple.of(runId)).await().indefinitely().iterator().next();
            String runStatus = row.getString(0);
            int segments = row.getLong(2).intValue();
            if (!"pending".equals(runStatus) && !"running".equals(runStatus)) {
                return new String[] { runStatus, row.getString(1), Integer.toString(segments) };
            }
            if (segments != shown) {
                await(watcher.write(status.progress(before + segments)));
                shown = segments;
            }
            Thread.sleep(WATCH_INTERVAL.toMillis());
        }
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().indefinitely();
    }

    private static <T> T onContext(Supplier<Uni<T>> work) {
        return BlockingCalls.awaitOnContext(work);
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
