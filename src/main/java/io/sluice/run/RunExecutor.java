package io.sluice.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
import io.sluice.format.ByteRange;
import io.sluice.format.Formats;
import io.sluice.pipeline.TargetTables;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.run.RunPlanner.Action;
import io.sluice.run.RunPlanner.Decision;
import io.sluice.source.SourceFile;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Executes runs: plans the run from the source's files and the ledger ({@link RunPlanner}), writes
 * the plan in one transaction, counts rows, loads the partitions in parallel ({@link PartitionLoader}),
 * and for replace swaps the loaded staging table in. Blocking work runs on the run threads.
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
    jakarta.enterprise.event.Event<RunFinished> finished;

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
            LOG.infof("Run %s of pipeline %s started (%s, %d partition(s))", runId, job.pipelineName(), job.strategy(), job.partitions());
            List<String> differences = await(tables.ensure(job.table(), job.pipelineId(), config.tableLockTimeout()));
            if (!differences.isEmpty()) {
                throw new RunFailure("Target table " + tables.qualified(job.table().name()) + " does not match the program: "
                        + String.join("; ", differences));
            }
            jobs.markStorageInUse(job);
            Planned planned = await(store.isPlanned(runId)) ? new Planned(await(store.partitions(runId)), Map.of(), 0)
                    : plan(job, shared);
            prescan(job, planned, shared);
            String target = tables.qualified(job.table().name());
            if (job.replace()) {
                await(tables.dropStaging(runId).chain(() -> tables.createStaging(job.table().name(), runId)));
                target = tables.qualified(TargetTables.stagingName(runId));
            }
            runPartitions(job, planned.partitions(), target, shared);
            if (job.replace()) {
                swapIn(job, planned.partitions());
            }
            stillRejected(job, planned.skipped());
            long[] counts = await(store.counts(runId));
            RunStatus status = counts[1] > 0 ? RunStatus.COMPLETED_WITH_ERRORS : RunStatus.COMPLETED;
            log(runId, "load", "Loaded " + (counts[0] - counts[1] - counts[2]) + " rows (" + counts[1] + " failed, "
                    + counts[2] + " skipped)");
            awaitQuietly(store.finish(runId, status, null, false));
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
            LOG.warnf("Run %s of pipeline %s failed: %s", runId, job.pipelineName(), why);
        } finally {
            deleteScratch(scratch);
        }
    }

    /** The run's partitions, and the files it skipped as loaded already (with their segments). */
    private record Planned(List<RunStore.Partition> partitions, Map<SourceFile, LedgerEntry> skipped, long doneBefore) {
    }

    /**
     * Decides what to do with each file, cuts large CSV files into byte ranges, and writes it all
     * (segments and checkpoints of new files, the partitions) in one transaction with the run marked
     * planned: a run whose plan did not commit has none, and plans again when retried.
     */
    private Planned plan(RunJob job, PartitionLoader.Shared shared) throws IOException {
        List<SourceFile> files = sourceFiles(job);
        Map<String, List<LedgerEntry>> known = await(ledger.of(job.pipelineId(),
                files.stream().map(SourceFile::path).toArray(String[]::new)));
        List<Decision> decisions;
        try {
            decisions = RunPlanner.decideAll(files, known, job.replace());
        } catch (RunPlanner.Unreplaceable e) {
            throw new RunFailure(e.getMessage());
        }
        Map<SourceFile, LedgerEntry> skipped = new LinkedHashMap<>();
        decisions.stream().filter(d -> d.action() == Action.SKIP).forEach(d -> skipped.put(d.file(), d.current().get()));
        // A retry takes up the original run's files: those loaded already count as resumed, whole.
        long resumed = job.retryOf() == null ? 0 : skipped.values().stream().mapToLong(LedgerEntry::rows).sum();
        List<Decision> todo = decisions.stream().filter(d -> d.action() != Action.SKIP).toList();
        int[] pieces = RunPlanner.pieces(todo.stream().map(Decision::file).toList(),
                todo.stream().map(d -> d.action() == Action.LOAD && job.format() == SourceFormat.CSV && !job.segmentPerTransaction())
                        .toList(), job.partitions(), config.splitMinSize().asLongValue());
        List<List<ByteRange>> ranges = new ArrayList<>();
        for (int i = 0; i < todo.size(); i++) {
            ranges.add(pieces[i] == 1 ? null : split(job, todo.get(i).file(), pieces[i]));
        }
        List<PlannedFile> work = new ArrayList<>();
        long committedParts = 0; // rows of ranges finished before: in the run's total, though no partition reads them
        try (BlockingTransaction tx = BlockingTransaction.begin(pool)) {
            for (int i = 0; i < todo.size(); i++) {
                Decision d = todo.get(i);
                SourceFile f = d.file();
                if (job.replace()) {
                    long id = await(ledger.newId());
                    if (ranges.get(i) == null) {
                        work.add(PlannedFile.whole(f, id, false, List.of(), 0));
                    } else {
                        ranges.get(i).forEach(r -> work.add(PlannedFile.range(f, id, r, 0)));
                    }
                    continue;
                }
                if (d.action() == Action.RESUME) {
                    LedgerEntry current = d.current().get();
                    tx.run(conn -> ledger.forget(conn, d.replaces()));
                    for (LedgerEntry.Part p : current.parts()) {
                        resumed += p.consumed();
                        if (p.done()) {
                            committedParts += p.consumed();
                        } else {
                            work.add(p.isRange()
                                    ? PlannedFile.range(f, current.id(), new ByteRange(p.rangeStart(), p.rangeEnd(),
                                            p.firstRow(), p.rangeRows()), p.consumed())
                                    : PlannedFile.whole(f, current.id(), false, List.of(), p.consumed()));
                        }
                    }
                    continue;
                }
                boolean replacing = d.action() == Action.REPLACE;
                if (!replacing) {
                    tx.run(conn -> ledger.forget(conn, d.replaces()));
                }
                long id = d.current().isPresent() ? d.current().get().id()
                        : tx.run(conn -> ledger.insert(conn, job.pipelineId(), f, job.runId()));
                if (ranges.get(i) == null) {
                    tx.run(conn -> ledger.insertPart(conn, id, null));
                    work.add(PlannedFile.whole(f, id, replacing || job.segmentPerTransaction(),
                            replacing ? d.replaces() : List.of(), 0));
                } else {
                    for (ByteRange r : ranges.get(i)) {
                        tx.run(conn -> ledger.insertPart(conn, id, r));
                        work.add(PlannedFile.range(f, id, r, 0));
                    }
                }
            }
            List<RunStore.Partition> partitions = partitions(work, job.partitions());
            long resumedRows = resumed;
            tx.run(conn -> store.insertPlan(conn, job.runId(), partitions, resumedRows, files));
            tx.commit();
            logPlan(job, files, decisions, work, resumedRows);
            return new Planned(partitions, skipped, committedParts);
        }
    }

    /** The files the run is about: a sync's (chosen by its catalog), a retried run's as they are now, or the source's. */
    private List<SourceFile> sourceFiles(RunJob job) {
        if (job.segmentPerTransaction() && job.sourceFiles() != null) {
            return job.sourceFiles();
        }
        List<SourceFile> listed = await(job.store().list(job.prefix(), job.pattern())).stream()
                .filter(f -> job.touchFile() == null || !f.name().equals(fileName(job.touchFile())))
                .toList();
        if (job.sourceFiles() == null) {
            return listed;
        }
        Set<String> wanted = new HashSet<>(job.sourceFiles().stream().map(SourceFile::path).toList());
        List<SourceFile> kept = listed.stream().filter(f -> wanted.contains(f.path())).toList();
        if (kept.size() < wanted.size()) {
            Set<String> gone = new HashSet<>(wanted);
            kept.forEach(f -> gone.remove(f.path()));
            log(job.runId(), "extract", "Gone from the source since the original run, not loaded: " + String.join(", ", gone));
        }
        return kept;
    }

    private List<ByteRange> split(RunJob job, SourceFile file, int pieces) throws IOException {
        try (var in = job.store().open(file)) {
            List<ByteRange> ranges = Formats.splitCsv(job.options(), in, file.size(), pieces);
            log(job.runId(), "extract", "Split " + file.path() + " (" + file.size() + " bytes, " + ranges.stream()
                    .mapToLong(ByteRange::rows).sum() + " rows) into " + ranges.size() + " byte ranges at record boundaries");
            return ranges;
        }
    }

    /** Pieces over partitions by size; a partition left without work is completed at once. */
    private static List<RunStore.Partition> partitions(List<PlannedFile> work, int count) {
        List<List<PlannedFile>> split = PartitionPlan.split(work, count, PlannedFile::bytes,
                f -> f.path() + '\u0000' + String.format("%020d", f.partKey()));
        List<RunStore.Partition> partitions = new ArrayList<>();
        for (int i = 0; i < split.size(); i++) {
            List<PlannedFile> files = split.get(i);
            Long total = !files.isEmpty() && files.stream().allMatch(f -> f.rangeRows() != null)
                    ? files.stream().mapToLong(PlannedFile::rangeRows).sum() : null;
            long resumed = files.stream().mapToLong(PlannedFile::resumedFrom).sum();
            partitions.add(new RunStore.Partition(i, files.isEmpty() ? "completed" : "pending", files, total, resumed, 0));
        }
        return partitions;
    }

    private void logPlan(RunJob job, List<SourceFile> files, List<Decision> decisions, List<PlannedFile> work, long resumed) {
        long skipped = decisions.stream().filter(d -> d.action() == Action.SKIP).count();
        StringBuilder sb = new StringBuilder("Found " + files.size() + " file(s)"
                + (job.sourceFiles() == null ? " under '" + job.prefix() + "'" : ""));
        if (skipped > 0) {
            sb.append(", ").append(skipped).append(" already loaded");
        }
        long ranged = work.stream().filter(f -> f.rangeStart() != null).count();
        if (ranged > 0) {
            sb.append("; ").append(ranged).append(" partition piece(s) read byte ranges of a large file");
        }
        log(job.runId(), "extract", sb.toString());
        for (Decision d : decisions) {
            if (d.action() == Action.RESUME) {
                log(job.runId(), "extract", "Resuming " + d.file().path() + ": its rows up to the last committed one are in");
            } else if (d.action() == Action.REPLACE) {
                log(job.runId(), "extract", d.file().path() + " changed since it was read (now ETag " + d.file().etag()
                        + "): its earlier rows are replaced by the current version's in one transaction");
            }
        }
        if (resumed > 0) {
            LOG.infof("Run %s resumes %d committed rows", job.runId(), resumed);
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
    private void prescan(RunJob job, Planned planned, PartitionLoader.Shared shared) throws IOException {
        long total = planned.doneBefore() + (job.retryOf() == null ? 0
                : planned.skipped().values().stream().mapToLong(LedgerEntry::rows).sum());
        for (RunStore.Partition p : planned.partitions()) {
            if (p.totalRows() != null) {
                total += p.totalRows();
                continue;
            }
            long partTotal = 0;
            for (PlannedFile f : p.files()) {
                partTotal += f.rangeRows() != null ? f.rangeRows() : countRows(job, f, shared);
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

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
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
