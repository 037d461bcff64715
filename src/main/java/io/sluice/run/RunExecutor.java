package io.sluice.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.sluice.db.ConnectionFailures;
import io.sluice.format.Formats;
import io.sluice.pipeline.TargetTables;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.run.RunPlanWriter.RunPlan;
import io.sluice.source.SourceFile;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Coordinates a run this replica claimed ({@link RunClaimer}): has it planned ({@link RunPlanWriter})
 * and its rows counted, lets its partitions be claimed by any replica, waits for them, for replace
 * swaps the loaded staging table in, and ends the run. Each step that writes the run's state checks
 * the coordinator's generation, so a coordinator whose lease another replica took writes nothing
 * more. A coordination taken over after planning just waits for the partitions. Blocking work runs
 * on the run threads.
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
    RunService runs;
    @Inject
    RunStore store;
    @Inject
    ClaimStore claims;
    @Inject
    FileLedger ledger;
    @Inject
    RunPlanWriter plans;
    @Inject
    jakarta.enterprise.event.Event<RunFinished> finished;
    @Inject
    RunMetrics metrics;
    @Inject
    SnapshotTransaction snapshots;
    @Inject
    RunScratch scratch;
    @Inject
    Replica replica;

    // ---------------------------------------------------------------- one run

    /** Coordinates the claimed run to its end, or until its lease is lost or this replica stops; {@code loading}: partitions may be claimed now. */
    void coordinate(Lease<ClaimStore.RunClaim> lease, Runnable loading) {
        ClaimStore.RunClaim claim = lease.claim();
        UUID runId = claim.runId();
        RunJob job;
        try {
            job = jobs.load(runId);
        } catch (RuntimeException e) {
            if (lease.stopping() || ConnectionFailures.isConnectionFailure(e)) {
                LOG.warnf("Run %s cannot be coordinated now (%s); it is taken up again", runId, message(e));
                return; // its lease expires; whoever claims it next starts over from its state
            }
            LOG.errorf(e, "Run %s cannot start", runId);
            awaitQuietly(store.finish(claim, RunStatus.FAILED, "Cannot start: " + message(e), false));
            return;
        }
        RunScratch.Local local = scratch.acquire(runId);
        PartitionLoader.Shared shared = new PartitionLoader.Shared(local.dir(), local.downloads(), lease::stopping);
        try {
            RunPlan planned;
            SnapshotChanges snapshot = snapshots.expected(job);
            // Counting CSV or JSONL rows reads each whole file: done while the partitions load, not
            // before. Parquet footers (from local copies the partitions then reuse) and Iceberg
            // manifests know their counts: read first.
            boolean countWhileLoading = snapshot == null && job.format() != SourceFormat.PARQUET;
            if (!await(store.isLoading(runId))) {
                planned = prepare(job, claim, shared);
                if (!countWhileLoading) {
                    prescan(job, planned, shared);
                }
                if (snapshot != null) {
                    // an Iceberg sync: the whole snapshot range in one transaction, by the coordinator itself
                    snapshots.load(job, claim, planned.partitions(), tables.qualified(job.table().name()), shared, snapshot);
                } else {
                    if (!await(store.startLoading(claim, job.upsert() ? runStartXid() : null))) {
                        throw new RunStore.CoordinationLost(runId);
                    }
                    loading.run();
                    if (countWhileLoading) {
                        countQuietly(job, planned, shared);
                    }
                }
            } else {
                planned = new RunPlan(await(store.partitions(runId)), Map.of(), 0);
                String message = "Coordination taken over by " + replica.id() + " (from " + claim.previous() + ")";
                LOG.infof("Run %s: %s", runId, message);
                log(runId, "load", message);
                if (countWhileLoading && planned.partitions().stream().anyMatch(p -> p.totalRows() == null)) {
                    countQuietly(job, planned, shared); // the earlier coordinator stopped before counting
                }
            }
            if (snapshot == null) {
                awaitPartitions(lease);
            }
            stillRejected(job, planned.skipped());
            long[] counts = await(store.counts(runId));
            RunStatus status = counts[1] > 0 ? RunStatus.COMPLETED_WITH_ERRORS : RunStatus.COMPLETED;
            log(runId, "load", "Loaded " + (counts[0] - counts[1] - counts[2]) + " rows (" + counts[1] + " failed, "
                    + counts[2] + " skipped)");
            if (job.replace()) {
                swapIn(job, claim, planned.partitions(), status);
            } else if (await(store.finish(claim, status, null, false)) != 1) {
                throw new RunStore.CoordinationLost(runId);
            }
            metrics.runFinished(runId, job.pipelineName(), status.wire());
            announce(new RunFinished(runId, job.pipelineId(), job.trigger(), status, job.store(), job.prefix(),
                    files(planned.partitions()), await(store.origin(runId))));
            LOG.infof("Run %s of pipeline %s ended %s: %d rows processed, %d failed, %d skipped", runId,
                    job.pipelineName(), status, counts[0], counts[1], counts[2]);
        } catch (RunStore.CoordinationLost e) {
            LOG.warnf("Run %s is coordinated by another replica now; this one stopped coordinating it", runId);
        } catch (Exception e) {
            if (lease.lost()) {
                LOG.warnf("Run %s: this replica's lease on it was not renewed in time (%s); it is taken up again", runId,
                        message(e));
            } else if (lease.stopping() && !(e instanceof RunFailure && !(e instanceof Cancelled))) {
                awaitQuietly(claims.releaseRun(claim));
                LOG.infof("Run %s handed over at shutdown: another replica, or the next start, goes on from its checkpoints",
                        runId);
            } else if (ConnectionFailures.isConnectionFailure(e)) {
                LOG.warnf("Run %s: PostgreSQL unreachable while coordinating it (%s); it is taken up again once it answers",
                        runId, message(e));
            } else {
                fail(job, claim, e);
            }
        } finally {
            scratch.release(runId);
        }
    }

    /** Table and plan: everything before the partitions load. */
    private RunPlan prepare(RunJob job, ClaimStore.RunClaim claim, PartitionLoader.Shared shared) throws Exception {
        UUID runId = job.runId();
        if (claim.previous() == null) {
            metrics.runStarted(runId);
            LOG.infof("Run %s of pipeline %s started (%s, %d partition(s))", runId, job.pipelineName(), job.strategy(),
                    job.partitions());
        } else {
            LOG.infof("Run %s of pipeline %s: coordination taken over by %s before it loaded", runId, job.pipelineName(),
                    replica.id());
        }
        List<String> differences = await(tables.ensure(job.table(), job.pipelineId(), config.tableLockTimeout(),
                job.provenance()));
        if (!differences.isEmpty()) {
            throw new RunFailure("Target table " + tables.qualified(job.table().name()) + " does not match the program: "
                    + String.join("; ", differences));
        }
        jobs.markStorageInUse(job);
        boolean planned = await(store.isPlanned(runId));
        if (job.replace() && !planned) {
            await(tables.dropStaging(runId).chain(() -> tables.createStaging(job.table().name(), runId)));
        }
        return planned ? new RunPlan(await(store.partitions(runId)), Map.of(), 0) : plans.write(job, claim);
    }

    /** Until every partition completed; a failed one fails the run with its reason. */
    private void awaitPartitions(Lease<ClaimStore.RunClaim> lease) throws InterruptedException {
        UUID runId = lease.claim().runId();
        while (true) {
            if (lease.stopping()) {
                throw new Cancelled();
            }
            if (lease.lost()) {
                throw new RunStore.CoordinationLost(runId);
            }
            try {
                List<ClaimStore.PartitionState> states = claims.partitionStates(runId).await().atMost(Duration.ofSeconds(10));
                for (ClaimStore.PartitionState s : states) {
                    if ("failed".equals(s.status())) {
                        throw s.error() != null && s.error().startsWith(PartitionWorker.OUTAGE) ? new Outage(s.error())
                                : new RunFailure(s.error() == null ? "Partition " + s.index() + " failed" : s.error());
                    }
                }
                if (states.stream().allMatch(s -> "completed".equals(s.status()))) {
                    return;
                }
            } catch (RuntimeException e) {
                if (!ConnectionFailures.isConnectionFailure(e)) {
                    throw e;
                }
                LOG.debugf("Run %s: partitions cannot be read now: %s", runId, e.getMessage());
            }
            lease.awaitChange(250);
        }
    }

    private void fail(RunJob job, ClaimStore.RunClaim claim, Exception e) {
        UUID runId = claim.runId();
        if (!(e instanceof RunFailure)) {
            LOG.errorf(e, "Run %s failed", runId);
        }
        boolean interrupted = e instanceof Outage;
        String why = interrupted ? "Interrupted: " + message(e) + "; it is resumed from its checkpoints" : message(e);
        log(runId, "error", why);
        if (job.replace()) {
            awaitQuietly(tables.dropStaging(runId));
        }
        awaitQuietly(store.finish(claim, RunStatus.FAILED, why, interrupted));
        metrics.runFinished(runId, job.pipelineName(), RunStatus.FAILED.wire());
        LOG.warnf("Run %s of pipeline %s failed: %s", runId, job.pipelineName(), why);
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

    /**
     * The count while the partitions load: a file that cannot be read now (gone, changed) leaves
     * totalRows unknown, and the partition reading it reports why the run fails.
     */
    private void countQuietly(RunJob job, RunPlan planned, PartitionLoader.Shared shared) {
        try {
            prescan(job, planned, shared);
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warnf("Run %s: its rows cannot be counted (%s); totalRows stays unknown", job.runId(), message(e));
        }
    }

    private long countRows(RunJob job, PlannedFile piece, PartitionLoader.Shared shared) throws IOException {
        if (job.format() == SourceFormat.PARQUET) {
            return Formats.parquetRowCount(local(job, piece.file(), shared));
        }
        return Formats.countRows(job.format(), job.options(), () -> job.store().open(piece.file()));
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

    /**
     * Replace: the loaded staging table becomes the target, the run's files its only segments, and
     * the run ends, in one transaction (under the coordinator's generation).
     */
    private void swapIn(RunJob job, ClaimStore.RunClaim claim, List<RunStore.Partition> partitions, RunStatus status) {
        List<PlannedFile> files = partitions.stream().flatMap(p -> p.files().stream())
                .sorted(Comparator.comparing(PlannedFile::path)).toList();
        await(tables.swapInStaging(job.table().name(), job.runId(), config.tableLockTimeout(),
                conn -> store.finish(conn, claim, status, null, false).map(n -> {
                    if (n != 1) {
                        throw new RunStore.CoordinationLost(job.runId());
                    }
                    return n;
                }).chain(() -> ledger.replaceAll(conn, job.pipelineId(), job.runId(), files, Map.of(), job.provenance()))));
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

    /** Run bookkeeping that must not fail what it follows: waited for (bounded), a failure logged. */
    static void awaitQuietly(Uni<?> uni) {
        try {
            uni.await().atMost(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            LOG.warnf("Run bookkeeping failed: %s", e.getMessage());
        }
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** A failure with a message meant for the user (no stack trace in the log). */
    static class RunFailure extends RuntimeException {
        RunFailure(String message) {
            super(message);
        }
    }

    /** The run ended meanwhile (another partition failed), or the service is stopping. */
    static final class Cancelled extends RunFailure {
        Cancelled() {
            super("Cancelled");
        }
    }

    /** A partition gave up after PostgreSQL was unreachable too long: the run fails interrupted, and is resumed. */
    static final class Outage extends RunFailure {
        Outage(String message) {
            super(message);
        }
    }
}
