package io.sluice.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.sluice.SluiceConfig;
import io.sluice.format.Formats;
import io.sluice.pipeline.TargetTables;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.run.RunPlanWriter.RunPlan;
import io.sluice.source.SourceFile;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Executes runs: has the run planned ({@link RunPlanWriter}), counts rows, loads the partitions in
 * parallel ({@link PartitionLoader}), for replace swaps the loaded staging table in, and ends the run.
 * Blocking work runs on the run threads.
 */
@ApplicationScoped
public class RunExecutor {
    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    @Inject
    Pool pool;
    @Inject
    RunJobs jobs;
    @Inject
    TargetTables tables;
    @Inject
    RunConfig config;
    @Inject
    SluiceConfig sluice;
    @Inject
    RunService runs;
    @Inject
    RunStore store;
    @Inject
    FileLedger ledger;
    @Inject
    PartitionLoader loader;
    @Inject
    RunPlanWriter plans;
    @Inject
    jakarta.enterprise.event.Event<RunFinished> finished;
    @Inject
    RunMetrics metrics;
    @Inject
    SnapshotTransaction snapshots;

    @Inject
    RunThreads threads;
    private final Set<UUID> active = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** Starts executing a pending run in the background. */
    public void launch(UUID runId) {
        active.add(runId);
        threads.submit(() -> {
            try {
                execute(runId);
            } finally {
                active.remove(runId);
            }
        });
    }

    /** Whether this replica is executing the run right now. */
    public boolean isActive(UUID runId) {
        return active.contains(runId);
    }

    UUID[] activeRuns() {
        return active.toArray(new UUID[0]);
    }

    /**
     * Graceful shutdown: partitions stop after the batch they are committing, and their runs end
     * failed and interrupted, resumed from those checkpoints once Sluice runs again.
     */
    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        try {
            if (!threads.shutdown(20)) {
                LOG.warn("Runs still executing at shutdown; they are marked interrupted and resumed at the next start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- one run

    private void execute(UUID runId) {
        RunJob job;
        try {
            job = jobs.load(runId);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Run %s cannot start", runId);
            awaitQuietly(store.finish(runId, RunStatus.FAILED, "Cannot start: " + message(e), false));
            return;
        }
        Path scratch = sluice.dataDir().resolve("tmp").resolve("run-" + runId);
        PartitionLoader.Shared shared = new PartitionLoader.Shared(scratch, new ConcurrentHashMap<>(), () -> stopping);
        try {
            if (!await(store.markRunning(runId))) {
                return;
            }
            metrics.runStarted(runId);
            LOG.infof("Run %s of pipeline %s started (%s, %d partition(s))", runId, job.pipelineName(), job.strategy(), job.partitions());
            List<String> differences = await(tables.ensure(job.table(), job.pipelineId(), config.tableLockTimeout()));
            if (!differences.isEmpty()) {
                throw new RunFailure("Target table " + tables.qualified(job.table().name()) + " does not match the program: "
                        + String.join("; ", differences));
            }
            jobs.markStorageInUse(job);
            RunPlan planned = await(store.isPlanned(runId)) ? new RunPlan(await(store.partitions(runId)), Map.of(), 0)
                    : plans.write(job);
            prescan(job, planned, shared);
            String target = tables.qualified(job.table().name());
            if (job.replace()) {
                await(tables.dropStaging(runId).chain(() -> tables.createStaging(job.table().name(), runId)));
                target = tables.qualified(TargetTables.stagingName(runId));
            }
            SnapshotChanges snapshot = snapshots.expected(job);
            if (snapshot != null) {
                // an Iceberg sync: the whole snapshot range in one transaction
                snapshots.load(job, planned.partitions(), target, shared, snapshot);
            } else {
                runPartitions(job, planned.partitions(), target, shared);
            }
            if (job.replace()) {
                swapIn(job, planned.partitions());
            }
            stillRejected(job, planned.skipped());
            long[] counts = await(store.counts(runId));
            RunStatus status = counts[1] > 0 ? RunStatus.COMPLETED_WITH_ERRORS : RunStatus.COMPLETED;
            log(runId, "load", "Loaded " + (counts[0] - counts[1] - counts[2]) + " rows (" + counts[1] + " failed, "
                    + counts[2] + " skipped)");
            awaitQuietly(store.finish(runId, status, null, false));
            metrics.runFinished(runId, job.pipelineName(), status.wire());
            announce(new RunFinished(runId, job.pipelineId(), job.trigger(), status, job.store(), job.prefix(),
                    files(planned.partitions()), await(store.origin(runId))));
            LOG.infof("Run %s of pipeline %s ended %s: %d rows processed, %d failed, %d skipped", runId,
                    job.pipelineName(), status, counts[0], counts[1], counts[2]);
        } catch (Exception e) {
            if (!(e instanceof RunFailure)) {
                LOG.errorf(e, "Run %s failed", runId);
            }
            boolean interrupted = stopping;
            String why = interrupted ? "Interrupted: Sluice stopped during the run; it is resumed from its checkpoints"
                    + " when Sluice runs again" : message(e);
            log(runId, "error", why);
            if (job.replace()) {
                awaitQuietly(tables.dropStaging(runId));
            }
            awaitQuietly(store.finish(runId, RunStatus.FAILED, why, interrupted));
            metrics.runFinished(runId, job.pipelineName(), RunStatus.FAILED.wire());
            LOG.warnf("Run %s of pipeline %s failed: %s", runId, job.pipelineName(), why);
        } finally {
            deleteScratch(scratch);
        }
    }

    /** A retry over files unchanged since: the rows they rejected are still missing, and the run says so. */
    private void stillRejected(RunJob job, Map<SourceFile, LedgerEntry> skipped) {
        if (job.retryOf() == null || skipped.isEmpty()) {
            return;
        }
        List<String> paths = new ArrayList<>();
        long rejected = 0;
        for (var e : skipped.entrySet()) {
            if (e.getValue().failedRows() > 0) {
                paths.add(e.getKey().path());
                rejected += e.getValue().failedRows();
                log(job.runId(), "load", e.getKey().path() + " is unchanged since it was loaded: its " + e.getValue().failedRows()
                        + " rejected row(s) are still not in the table; fix the file and run again to load them");
            }
        }
        if (rejected > 0) {
            long missing = rejected;
            await(store.copyErrors(job.retryOf(), job.runId(), paths).chain(() -> store.addFailed(job.runId(), missing)));
        }
    }

    /** totalRows (resumed rows included): ranges know theirs; Parquet footers, or a cheap count of CSV/JSONL records. */
    private void prescan(RunJob job, RunPlan planned, PartitionLoader.Shared shared) throws IOException {
        long total = planned.doneBefore() + (job.retryOf() == null ? 0
                : planned.skipped().values().stream().mapToLong(LedgerEntry::rows).sum());
        SnapshotChanges snapshot = snapshots.expected(job); // an Iceberg sync: its manifests know the counts
        for (RunStore.Partition p : planned.partitions()) {
            if (p.totalRows() != null) {
                total += p.totalRows();
                continue;
            }
            long partTotal = 0;
            for (PlannedFile f : p.files()) {
                Long known = snapshot == null ? null : snapshot.rowCounts().get(f.path());
                partTotal += f.rangeRows() != null ? f.rangeRows() : known != null ? known : countRows(job, f, shared);
            }
            await(store.partitionTotal(job.runId(), p.index(), partTotal));
            total += partTotal;
        }
        await(store.runTotal(job.runId(), total));
        log(job.runId(), "extract", "Read " + total + " rows from source");
    }

    private long countRows(RunJob job, PlannedFile piece, PartitionLoader.Shared shared) throws IOException {
        if (job.format() == SourceFormat.PARQUET) {
            return Formats.parquetRowCount(local(job, piece.file(), shared));
        }
        try (var in = job.store().open(piece.file())) {
            return Formats.countRows(job.format(), job.options(), in);
        }
    }

    static Path local(RunJob job, SourceFile f, PartitionLoader.Shared shared) throws IOException {
        Path known = shared.downloads().get(f.path());
        if (known != null) {
            return known;
        }
        Files.createDirectories(shared.scratch());
        // Temporary copies live in the run's scratch directory, deleted with it when the run ends.
        Path local = job.store().download(f, shared.scratch()).path();
        shared.downloads().put(f.path(), local);
        return local;
    }

    private void runPartitions(RunJob job, List<RunStore.Partition> partitions, String target,
            PartitionLoader.Shared shared) throws Exception {
        AtomicBoolean cancelled = new AtomicBoolean();
        PartitionLoader.Shared run = new PartitionLoader.Shared(shared.scratch(), shared.downloads(),
                () -> cancelled.get() || stopping);
        PartitionLoader.Target into = loader.target(job, target, job.upsert() ? runStartXid() : null);
        List<Future<?>> futures = new ArrayList<>();
        for (RunStore.Partition p : partitions) {
            if (!"completed".equals(p.status())) {
                futures.add(threads.submit(() -> {
                    try {
                        loader.load(job, p, into, run);
                    } catch (Exception e) {
                        cancelled.set(true);
                        awaitQuietly(store.partitionStatus(job.runId(), p.index(), "failed"));
                        throw e;
                    }
                    return null;
                }));
            }
        }
        Exception first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null || first instanceof Cancelled) {
                    first = e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Upsert runs count a key loaded twice in the run as skipped also across batches: rows whose
     * previous version a transaction of this run wrote. That needs PostgreSQL 18 (RETURNING old);
     * before it, only repeats within one batch are counted. Null when not counted.
     */
    private String runStartXid() {
        var row = await(pool.query("""
                SELECT current_setting('server_version_num')::int >= 180000,
                       CASE WHEN current_setting('server_version_num')::int >= 180000
                            THEN pg_current_xact_id()::xid::text END""").execute()).iterator().next();
        return row.getBoolean(0) ? row.getString(1) : null;
    }

    /** Replace: the loaded staging table becomes the target, and the run's files its only segments. */
    private void swapIn(RunJob job, List<RunStore.Partition> partitions) {
        List<PlannedFile> files = partitions.stream().flatMap(p -> p.files().stream())
                .sorted(Comparator.comparing(PlannedFile::path)).toList();
        await(tables.swapInStaging(job.table().name(), job.runId(), config.tableLockTimeout(),
                conn -> ledger.replaceAll(conn, job.pipelineId(), job.runId(), files, Map.of())));
        log(job.runId(), "load", "Replaced the contents of " + tables.qualified(job.table().name()) + " atomically");
    }

    private static List<SourceFile> files(List<RunStore.Partition> partitions) {
        return partitions.stream().flatMap(p -> p.files().stream()).map(PlannedFile::file).distinct().toList();
    }

    /** Observers (polling's clean-up) run now; their failure does not change the run's outcome. */
    private void announce(RunFinished event) {
        try {
            finished.fire(event);
        } catch (RuntimeException e) {
            LOG.warnf(e, "After run %s: %s", event.runId(), e.getMessage());
            log(event.runId(), "cleanup", "Clean-up after the run failed: " + message(e));
        }
    }

    private void log(UUID runId, String stage, String message) {
        awaitQuietly(runs.log(runId, stage, message));
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().indefinitely();
    }

    private static void awaitQuietly(Uni<?> uni) {
        try {
            uni.await().atMost(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            LOG.warnf("Run bookkeeping failed: %s", e.getMessage());
        }
    }

    private static void deleteScratch(Path scratch) {
        if (!Files.exists(scratch)) {
            return;
        }
        try (var walk = Files.walk(scratch)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("Could not delete %s: %s", scratch, e.getMessage());
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** A failure with a message meant for the user (no stack trace in the log). */
    static class RunFailure extends RuntimeException {
        RunFailure(String message) {
            super(message);
        }
    }

    /** Another partition failed, or the service is stopping. */
    static final class Cancelled extends RunFailure {
        Cancelled() {
            super("Cancelled");
        }
    }
}
