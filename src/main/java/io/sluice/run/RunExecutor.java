package io.sluice.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.SluiceConfig;
import io.sluice.coordination.Leadership;
import io.sluice.format.ByteRange;
import io.sluice.format.Formats;
import io.sluice.format.RowBatch;
import io.sluice.format.RowError;
import io.sluice.format.RowReader;
import io.sluice.load.BatchBinding;
import io.sluice.load.InsertStatement;
import io.sluice.load.UpsertDeduplication;
import io.sluice.pipeline.PipelineJson;
import io.sluice.pipeline.TargetTables;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.source.SourceFile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Executes runs: plans partitions over the source files not yet loaded, pre-scans row counts,
 * then streams each partition's files through a {@link RowReader} into set-based inserts, one
 * transaction per batch that also advances the partition's checkpoint, the run's counters and the
 * row errors. A file finished is recorded as a segment, so it is never loaded twice. Blocking work
 * (reading, parsing) runs on the run threads; each batch waits for its commit, which is the
 * back-pressure from PostgreSQL to the readers.
 */
@ApplicationScoped
public class RunExecutor {
    private static final Logger LOG = Logger.getLogger(RunExecutor.class);
    private static final TypeReference<List<SourceFile>> FILES = new TypeReference<>() {
    };
    private static final String PARTITIONS = """
            SELECT index, status, files, total_rows, rows, file_index, file_row, range_start, range_end, first_row
            FROM sluice.run_partition WHERE run_id = $1 ORDER BY index""";

    @Inject
    Pool pool;
    @Inject
    RunJobs jobs;
    @Inject
    TargetTables tables;
    @Inject
    PipelineJson json;
    @Inject
    RunConfig config;
    @Inject
    SluiceConfig sluice;
    @Inject
    RunService runs;
    @Inject
    Leadership leadership;
    @Inject
    jakarta.enterprise.event.Event<RunFinished> finished;

    private final AtomicInteger threadCount = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sluice-run-" + threadCount.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
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

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> heartbeat() {
        if (active.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("UPDATE sluice.run SET heartbeat_at = now() WHERE id = ANY($1)")
                .execute(Tuple.of(active.toArray(new UUID[0]))).replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Run heartbeat failed: %s", e.getMessage());
                    return null;
                });
    }

    /**
     * Runs whose replica died (no heartbeat) are failed, so they can be retried from their
     * checkpoints; the staging table of a replace run goes with it (its retry starts over).
     */
    @Scheduled(every = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> failAbandoned() {
        if (!leadership.isLeader()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("""
                UPDATE sluice.run SET status = 'failed', finished_at = now(),
                    error_message = 'Interrupted: the process running it stopped; retry to resume from its checkpoint'
                WHERE status IN ('pending', 'running') AND heartbeat_at < now() - make_interval(secs => $1)
                  AND NOT (id = ANY($2)) RETURNING id, load_strategy""")
                .execute(Tuple.of((double) config.heartbeatTimeout().toSeconds(), active.toArray(new UUID[0])))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(r -> {
                    LOG.warnf("Run %s was abandoned by its process: marked failed", r.getUUID(0));
                    return "replace".equals(r.getString(1)) ? tables.dropStaging(r.getUUID(0)) : Uni.createFrom().voidItem();
                })
                .collect().last().replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Marking abandoned runs failed: %s", e.getMessage());
                    return null;
                });
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        threads.shutdown();
        try {
            if (!threads.awaitTermination(20, TimeUnit.SECONDS)) {
                LOG.warn("Runs still executing at shutdown; they will be marked failed and can be retried");
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
            finish(runId, RunStatus.FAILED, "Cannot start: " + message(e));
            return;
        }
        Path scratch = sluice.dataDir().resolve("tmp").resolve("run-" + runId);
        try {
            if (!markRunning(runId)) {
                return;
            }
            LOG.infof("Run %s of pipeline %s started (%s, %d partition(s))", runId, job.pipelineName(), job.strategy(), job.partitions());
            List<String> differences = await(tables.ensure(job.table(), job.pipelineId(), config.tableLockTimeout()));
            if (!differences.isEmpty()) {
                throw new RunFailure("Target table " + tables.qualified(job.table().name()) + " does not match the program: "
                        + String.join("; ", differences));
            }
            jobs.markStorageInUse(job);
            List<PartitionState> partitions = partitions(runId);
            if (partitions.isEmpty()) {
                partitions = plan(job);
            }
            Map<String, Path> downloads = new ConcurrentHashMap<>();
            prescan(job, partitions, scratch, downloads);
            String target = tables.qualified(job.table().name());
            if (job.replace()) {
                await(tables.dropStaging(runId).chain(() -> tables.createStaging(job.table().name(), runId)));
                target = tables.qualified(TargetTables.stagingName(runId));
            }
            runPartitions(job, partitions, target, scratch, downloads);
            recordSplitSegments(job, partitions);
            if (job.replace()) {
                swapIn(job, partitions);
            }
            long[] counts = counts(runId);
            RunStatus status = counts[1] > 0 ? RunStatus.COMPLETED_WITH_ERRORS : RunStatus.COMPLETED;
            log(runId, "load", "Loaded " + (counts[0] - counts[1] - counts[2]) + " rows (" + counts[1] + " failed, "
                    + counts[2] + " skipped)");
            finish(runId, status, null);
            announce(new RunFinished(runId, job.pipelineId(), job.trigger(), status, job.store(), job.prefix(),
                    partitions.stream().flatMap(p -> p.files().stream()).distinct().toList(), origin(runId)));
            LOG.infof("Run %s of pipeline %s ended %s: %d rows processed, %d failed, %d skipped", runId,
                    job.pipelineName(), status, counts[0], counts[1], counts[2]);
        } catch (Exception e) {
            if (!(e instanceof RunFailure)) {
                LOG.errorf(e, "Run %s failed", runId);
            }
            String why = stopping ? "Sluice stopped during the run; retry it to resume from its checkpoint" : message(e);
            log(runId, "error", why);
            if (job.replace()) {
                awaitQuietly(tables.dropStaging(runId));
            }
            finish(runId, RunStatus.FAILED, why);
            LOG.warnf("Run %s of pipeline %s failed: %s", runId, job.pipelineName(), why);
        } finally {
            deleteScratch(scratch);
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

    /** The trigger of the run this one retries, followed back to the first. */
    private String origin(UUID runId) {
        return await(pool.preparedQuery("""
                WITH RECURSIVE chain AS (
                    SELECT id, trigger, retry_of, 0 AS depth FROM sluice.run WHERE id = $1
                    UNION ALL
                    SELECT r.id, r.trigger, r.retry_of, c.depth + 1 FROM sluice.run r JOIN chain c ON r.id = c.retry_of)
                SELECT trigger FROM chain ORDER BY depth DESC LIMIT 1""").execute(Tuple.of(runId)))
                .iterator().next().getString(0);
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

    private boolean markRunning(UUID runId) {
        int updated = await(pool.preparedQuery("""
                UPDATE sluice.run SET status = 'running', started_at = coalesce(started_at, now()), heartbeat_at = now()
                WHERE id = $1 AND status = 'pending'""").execute(Tuple.of(runId))).rowCount();
        return updated == 1;
    }

    private List<PartitionState> plan(RunJob job) throws IOException {
        List<SourceFile> listed = await(job.store().list(job.prefix(), job.pattern())).stream()
                .filter(f -> job.touchFile() == null || !fileName(f.path()).equals(fileName(job.touchFile())))
                .toList();
        List<SourceFile> files = listed;
        if (!job.replace()) {
            Set<String> loaded = loadedSegments(job.pipelineId());
            files = listed.stream().filter(f -> !loaded.contains(f.path() + "\n" + f.etag())).toList();
        }
        List<PartitionState> ranged = splitLargeFiles(job, files);
        if (ranged != null) {
            log(job.runId(), "extract", "Found " + listed.size() + " file(s) under '" + job.prefix() + "'; "
                    + ranged.stream().filter(p -> p.range() != null).count() + " partition(s) read byte ranges of a large file");
            return ranged;
        }
        List<List<SourceFile>> split = PartitionPlan.split(files, job.partitions());
        List<PartitionState> states = new ArrayList<>();
        for (int i = 0; i < split.size(); i++) {
            await(pool.preparedQuery("INSERT INTO sluice.run_partition (run_id, index, status, files) VALUES ($1, $2, $3, $4)")
                    .execute(Tuple.of(job.runId(), i, split.get(i).isEmpty() ? "completed" : "pending",
                            json.write(split.get(i)))));
            states.add(new PartitionState(i, split.get(i).isEmpty() ? "completed" : "pending", split.get(i), null, 0, 0, 0, null));
        }
        log(job.runId(), "extract", "Found " + listed.size() + " file(s) under '" + job.prefix() + "'"
                + (listed.size() == files.size() ? "" : ", " + (listed.size() - files.size()) + " already loaded"));
        return states;
    }

    /**
     * When a CSV run has more partitions than files, large files are cut into byte ranges at record
     * boundaries (one parsing pass, which also counts their rows), each range a partition of its
     * own, so that one large file still loads on every partition. Null when nothing is cut.
     */
    private List<PartitionState> splitLargeFiles(RunJob job, List<SourceFile> files) throws IOException {
        if (job.format() != SourceFormat.CSV || files.isEmpty() || files.size() >= job.partitions()) {
            return null;
        }
        long minSize = config.splitMinSize().asLongValue();
        int[] pieces = new int[files.size()];
        java.util.Arrays.fill(pieces, 1);
        for (int extra = job.partitions() - files.size(); extra > 0; extra--) {
            int best = -1;
            for (int i = 0; i < pieces.length; i++) {
                long next = files.get(i).size() / (pieces[i] + 1);
                if (next >= minSize && (best < 0 || next > files.get(best).size() / (pieces[best] + 1))) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            pieces[best]++;
        }
        if (java.util.Arrays.stream(pieces).allMatch(n -> n == 1)) {
            return null;
        }
        List<PartitionState> states = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            SourceFile file = files.get(i);
            if (pieces[i] == 1) {
                states.add(new PartitionState(states.size(), "pending", List.of(file), null, 0, 0, 0, null));
                continue;
            }
            List<ByteRange> ranges;
            try (var in = job.store().open(file)) {
                ranges = Formats.splitCsv(job.options(), in, file.size(), pieces[i]);
            }
            for (ByteRange r : ranges) {
                states.add(new PartitionState(states.size(), "pending", List.of(file), r.rows(), 0, 0, 0, r));
            }
            log(job.runId(), "extract", "Split " + file.path() + " (" + file.size() + " bytes, " + ranges.stream()
                    .mapToLong(ByteRange::rows).sum() + " rows) into " + ranges.size() + " byte ranges at record boundaries");
        }
        for (int i = states.size(); i < job.partitions(); i++) {
            states.add(new PartitionState(i, "completed", List.of(), null, 0, 0, 0, null));
        }
        for (PartitionState p : states) {
            ByteRange r = p.range();
            await(pool.preparedQuery("""
                    INSERT INTO sluice.run_partition (run_id, index, status, files, total_rows, range_start, range_end, first_row)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""")
                    .execute(Tuple.from(java.util.Arrays.asList(job.runId(), p.index(), p.status(), json.write(p.files()),
                            p.totalRows(), r == null ? null : r.start(), r == null ? null : r.end(),
                            r == null ? null : r.firstRow()))));
        }
        return states;
    }

    /** A file cut into ranges becomes a segment once every range is loaded (the ranges' commits are its rows). */
    private void recordSplitSegments(RunJob job, List<PartitionState> partitions) {
        if (job.replace()) {
            return;
        }
        Map<SourceFile, Long> rows = new java.util.LinkedHashMap<>();
        partitions.stream().filter(p -> p.range() != null)
                .forEach(p -> rows.merge(p.files().get(0), p.range().rows(), Long::sum));
        rows.forEach((file, count) -> await(pool.preparedQuery("""
                INSERT INTO sluice.segment (pipeline_id, source_path, source_etag, source_size, run_id, rows, loaded_at)
                VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(job.pipelineId(), file.path(), file.etag(), file.size(), job.runId(), count))));
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private Set<String> loadedSegments(UUID pipelineId) {
        Set<String> loaded = ConcurrentHashMap.newKeySet();
        await(pool.preparedQuery("SELECT source_path, source_etag FROM sluice.segment WHERE pipeline_id = $1")
                .execute(Tuple.of(pipelineId))).forEach(r -> loaded.add(r.getString(0) + "\n" + r.getString(1)));
        return loaded;
    }

    /** totalRows: from Parquet footers, or a cheap count of CSV/JSONL records. */
    private void prescan(RunJob job, List<PartitionState> partitions, Path scratch, Map<String, Path> downloads)
            throws IOException {
        long total = 0;
        for (PartitionState p : partitions) {
            long partTotal = p.totalRows() != null ? p.totalRows() : 0;
            if (p.totalRows() == null) {
                for (SourceFile f : p.files()) {
                    partTotal += countRows(job, f, scratch, downloads);
                }
                await(pool.preparedQuery("UPDATE sluice.run_partition SET total_rows = $3 WHERE run_id = $1 AND index = $2")
                        .execute(Tuple.of(job.runId(), p.index(), partTotal)));
            }
            total += partTotal;
        }
        await(pool.preparedQuery("UPDATE sluice.run SET total_rows = $2 WHERE id = $1").execute(Tuple.of(job.runId(), total)));
        log(job.runId(), "extract", "Read " + total + " rows from source");
    }

    private long countRows(RunJob job, SourceFile f, Path scratch, Map<String, Path> downloads) throws IOException {
        if (job.format() == SourceFormat.PARQUET) {
            return Formats.parquetRowCount(local(job, f, scratch, downloads));
        }
        try (var in = job.store().open(f)) {
            return Formats.countRows(job.format(), job.options(), in);
        }
    }

    private Path local(RunJob job, SourceFile f, Path scratch, Map<String, Path> downloads) throws IOException {
        Path known = downloads.get(f.path());
        if (known != null) {
            return known;
        }
        Files.createDirectories(scratch);
        // Temporary copies live in the run's scratch directory, deleted with it when the run ends.
        Path local = job.store().download(f, scratch).path();
        downloads.put(f.path(), local);
        return local;
    }

    private void runPartitions(RunJob job, List<PartitionState> partitions, String target, Path scratch,
            Map<String, Path> downloads) throws Exception {
        AtomicBoolean cancelled = new AtomicBoolean();
        String runStart = job.upsert() ? runStartXid() : null;
        List<Future<?>> futures = new ArrayList<>();
        for (PartitionState p : partitions) {
            if (!"completed".equals(p.status())) {
                futures.add(threads.submit(() -> {
                    try {
                        loadPartition(job, p, target, runStart, scratch, downloads, cancelled);
                    } catch (Exception e) {
                        cancelled.set(true);
                        await(pool.preparedQuery("UPDATE sluice.run_partition SET status = 'failed' WHERE run_id = $1 AND index = $2")
                                .execute(Tuple.of(job.runId(), p.index())));
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
            } catch (java.util.concurrent.ExecutionException e) {
                if (first == null || first instanceof Cancelled) {
                    first = e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void loadPartition(RunJob job, PartitionState part, String target, String runStart, Path scratch,
            Map<String, Path> downloads, AtomicBoolean cancelled) throws Exception {
        await(pool.preparedQuery("UPDATE sluice.run_partition SET status = 'running' WHERE run_id = $1 AND index = $2")
                .execute(Tuple.of(job.runId(), part.index())));
        String countingUpsert = runStart == null ? null : InsertStatement.upsertCountingRepeats(job.table(), target);
        String insert = countingUpsert != null ? countingUpsert
                : job.upsert() ? InsertStatement.upsert(job.table(), target) : InsertStatement.append(job.table(), target);
        String repeatsSince = countingUpsert == null ? null : runStart;
        int[] keyColumns = job.keyColumns();
        RowBatch batch = new RowBatch(job.table(), config.batchSize());
        for (int f = part.fileIndex(); f < part.files().size(); f++) {
            SourceFile file = part.files().get(f);
            long committed = f == part.fileIndex() ? part.fileRow() : 0;
            try (FileTransaction tx = job.segmentPerTransaction() ? FileTransaction.begin(pool) : null;
                    RowReader reader = open(job, part.range(), file, committed, scratch, downloads)) {
                while (true) {
                    if (cancelled.get() || stopping) {
                        throw new Cancelled();
                    }
                    List<RowError> errors = new ArrayList<>();
                    long rowBase = part.range() == null ? 0 : part.range().firstRow();
                    int read = reader.read(batch, rowBase == 0 ? errors::add
                            : e -> errors.add(new RowError(e.row() + rowBase, e.column(), e.value(), e.error())));
                    long consumed = reader.rowsConsumed();
                    if (tx != null && !errors.isEmpty()) {
                        throw rowsRejected(job, file, errors);
                    }
                    if (read > 0 || !errors.isEmpty() || consumed > committed) {
                        long failed = commitBatch(job, part.index(), f, file, insert, repeatsSince, keyColumns, batch,
                                errors, consumed - committed, consumed, tx);
                        committed = consumed;
                        if (job.maxFailedRows() != null && failed > job.maxFailedRows()) {
                            throw new RunFailure("Too many rows failed validation: " + failed + " > max_failed_rows "
                                    + job.maxFailedRows() + " (rows committed so far are kept)");
                        }
                    }
                    if (read == 0) {
                        break;
                    }
                }
                commitFileDone(job, part.index(), f, file, committed, part.range() == null, tx);
            }
        }
        await(pool.preparedQuery("UPDATE sluice.run_partition SET status = 'completed' WHERE run_id = $1 AND index = $2")
                .execute(Tuple.of(job.runId(), part.index())));
    }

    private RowReader open(RunJob job, ByteRange range, SourceFile file, long skipRows, Path scratch,
            Map<String, Path> downloads) throws IOException {
        if (range != null) {
            String[] header = range.start() == 0 ? null : Formats.csvHeader(job.options(), job.store().open(file));
            return Formats.openCsvRange(job.options(), job.store().open(file, range.start(), range.length()), header,
                    job.table(), job.validation(), skipRows);
        }
        if (job.format() == SourceFormat.PARQUET) {
            return Formats.openParquet(local(job, file, scratch, downloads), job.table(), job.validation(), skipRows,
                    job.options());
        }
        return Formats.open(job.format(), job.options(), job.store().open(file), job.table(), job.validation(), skipRows);
    }

    /** Rows, errors, checkpoint and counters of one batch, in one transaction. Returns the run's failed rows. */
    private long commitBatch(RunJob job, int partition, int fileIndex, SourceFile file, String insert, String repeatsSince,
            int[] keyColumns, RowBatch batch, List<RowError> errors, long consumedDelta, long fileRow, FileTransaction tx) {
        int size = batch.size();
        Object[][] columns = new Object[job.table().columns().size()][];
        for (int c = 0; c < columns.length; c++) {
            columns[c] = batch.columnForBinding(c);
        }
        int skipped = 0;
        if (job.upsert() && size > 1) {
            UpsertDeduplication.Result deduplicated = UpsertDeduplication.apply(columns, size, keyColumns);
            columns = deduplicated.columns();
            size = deduplicated.size();
            skipped = deduplicated.skipped();
        }
        Object[][] rows = columns;
        int loaded = size;
        int skippedRows = skipped;
        java.util.function.Function<SqlConnection, Uni<Long>> work = conn -> (loaded == 0 ? Uni.createFrom().item(0L)
                : repeatsSince == null ? conn.preparedQuery(insert).execute(BatchBinding.of(rows)).replaceWith(0L)
                : conn.preparedQuery(insert).execute(BatchBinding.of(rows).addString(repeatsSince))
                        .map(r -> r.iterator().next().getLong(0)))
                .chain(repeated -> insertErrors(conn, job.runId(), file.path(), errors).replaceWith(repeated))
                .chain(repeated -> conn.preparedQuery("""
                        UPDATE sluice.run_partition SET rows = rows + $3, file_index = $4, file_row = $5
                        WHERE run_id = $1 AND index = $2""")
                        .execute(Tuple.of(job.runId(), partition, consumedDelta, fileIndex, fileRow)).replaceWith(repeated))
                .chain(repeated -> tx != null
                        ? Uni.createFrom().item(tx.count(consumedDelta, errorRows(errors), skippedRows + repeated))
                        : conn.preparedQuery("""
                        UPDATE sluice.run SET processed_rows = processed_rows + $2, failed_rows = failed_rows + $3,
                            skipped_rows = skipped_rows + $4, heartbeat_at = now()
                        WHERE id = $1 RETURNING failed_rows""")
                        .execute(Tuple.of(job.runId(), consumedDelta, (long) errorRows(errors), skippedRows + repeated))
                        .map(r -> r.iterator().next().getLong(0)));
        return await(tx != null ? tx.on(work) : pool.withTransaction(work));
    }

    /**
     * An external table's sync loads a file whole or not at all (COMPLETED means every row is there):
     * a row that cannot be converted fails the run, the file's transaction rolls back, and the
     * batch's errors are kept in a transaction of their own for the run's /errors.
     */
    private RunFailure rowsRejected(RunJob job, SourceFile file, List<RowError> errors) {
        long rows = errorRows(errors);
        await(pool.withTransaction(conn -> insertErrors(conn, job.runId(), file.path(), errors)
                .chain(() -> conn.preparedQuery("UPDATE sluice.run SET failed_rows = failed_rows + $2 WHERE id = $1")
                        .execute(Tuple.of(job.runId(), rows)))));
        String first = errors.stream().limit(3).map(e -> "row " + e.row() + (e.column() == null ? "" : " column " + e.column())
                + ": " + e.error()).collect(java.util.stream.Collectors.joining("; "));
        return new RunFailure("File " + file.path() + ": " + rows + " row(s) of a batch cannot be converted (" + first
                + "); none of the file's rows are loaded (see the run's /errors)");
    }

    private static int errorRows(List<RowError> errors) {
        return (int) errors.stream().mapToLong(RowError::row).distinct().count();
    }

    private Uni<Void> insertErrors(SqlConnection conn, UUID runId, String file, List<RowError> errors) {
        if (errors.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Long[] rows = new Long[errors.size()];
        String[] columns = new String[errors.size()];
        String[] values = new String[errors.size()];
        String[] messages = new String[errors.size()];
        for (int i = 0; i < errors.size(); i++) {
            RowError e = errors.get(i);
            rows[i] = e.row();
            columns[i] = e.column();
            values[i] = storable(e.value());
            messages[i] = storable(e.error());
        }
        return conn.preparedQuery("""
                INSERT INTO sluice.run_error (run_id, file, row_number, column_name, value, error)
                SELECT $1, $2, * FROM unnest($3::int8[], $4::text[], $5::text[], $6::text[])""")
                .execute(Tuple.of(runId, file, rows, columns, values, messages)).replaceWithVoid();
    }

    /** PostgreSQL text cannot hold NUL; a bad value is reported, not refused. */
    private static String storable(String value) {
        return value == null ? null : value.replace('\u0000', '\uFFFD');
    }

    private void commitFileDone(RunJob job, int partition, int fileIndex, SourceFile file, long rows, boolean wholeFile,
            FileTransaction tx) {
        java.util.function.Function<SqlConnection, Uni<Object>> work = conn -> (job.replace() || !wholeFile ? Uni.createFrom().voidItem()
                : conn.preparedQuery("""
                        INSERT INTO sluice.segment (pipeline_id, source_path, source_etag, source_size, run_id, rows, loaded_at)
                        VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT DO NOTHING""")
                        .execute(Tuple.of(job.pipelineId(), file.path(), file.etag(), file.size(), job.runId(), rows))
                        .replaceWithVoid())
                .chain(() -> conn.preparedQuery("""
                        UPDATE sluice.run_partition SET file_index = $3, file_row = 0 WHERE run_id = $1 AND index = $2""")
                        .execute(Tuple.of(job.runId(), partition, fileIndex + 1)));
        if (tx == null) {
            await(pool.withTransaction(work));
        } else {
            await(tx.on(work));
            tx.commit(job.runId());
        }
    }

    /** Replace: the loaded staging table becomes the target, and the run's files its only segments. */
    private void swapIn(RunJob job, List<PartitionState> partitions) {
        List<SourceFile> files = partitions.stream().flatMap(p -> p.files().stream()).distinct()
                .sorted(Comparator.comparing(SourceFile::path)).toList();
        String[] paths = files.stream().map(SourceFile::path).toArray(String[]::new);
        String[] etags = files.stream().map(SourceFile::etag).toArray(String[]::new);
        Long[] sizes = files.stream().map(SourceFile::size).toArray(Long[]::new);
        await(tables.swapInStaging(job.table().name(), job.runId(), config.tableLockTimeout(), conn -> conn
                .preparedQuery("DELETE FROM sluice.segment WHERE pipeline_id = $1").execute(Tuple.of(job.pipelineId()))
                .chain(() -> conn.preparedQuery("""
                        INSERT INTO sluice.segment (pipeline_id, source_path, source_etag, source_size, run_id, rows, loaded_at)
                        SELECT $1, p, e, s, $2, 0, now() FROM unnest($3::text[], $4::text[], $5::int8[]) AS f(p, e, s)""")
                        .execute(Tuple.of(job.pipelineId(), job.runId(), paths, etags, sizes)))));
        log(job.runId(), "load", "Replaced the contents of " + tables.qualified(job.table().name()) + " atomically");
    }

    private List<PartitionState> partitions(UUID runId) {
        List<PartitionState> states = new ArrayList<>();
        await(pool.preparedQuery(PARTITIONS).execute(Tuple.of(runId))).forEach(r -> states.add(new PartitionState(
                r.getInteger(0), r.getString(1), json.read(r.getString(2), FILES), r.getLong(3), r.getLong(4),
                r.getInteger(5), r.getLong(6), r.getLong(7) == null ? null
                        : new ByteRange(r.getLong(7), r.getLong(8), r.getLong(9), r.getLong(3)))));
        return states;
    }

    /** processed, failed, skipped. */
    private long[] counts(UUID runId) {
        var row = await(pool.preparedQuery("SELECT processed_rows, failed_rows, skipped_rows FROM sluice.run WHERE id = $1")
                .execute(Tuple.of(runId))).iterator().next();
        return new long[] { row.getLong(0), row.getLong(1), row.getLong(2) };
    }

    private void finish(UUID runId, RunStatus status, String error) {
        awaitQuietly(pool.preparedQuery("""
                UPDATE sluice.run SET status = $2, finished_at = now(), error_message = $3
                WHERE id = $1 AND status IN ('pending', 'running')""")
                .execute(Tuple.of(runId, status.wire(), error)));
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

    /** {@code range}: the part of its only file this partition reads, or null for whole files. */
    record PartitionState(int index, String status, List<SourceFile> files, Long totalRows, long rows, int fileIndex,
            long fileRow, ByteRange range) {
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
