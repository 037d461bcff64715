package io.sluice.run;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.sluice.format.ByteRange;
import io.sluice.format.FormatException;
import io.sluice.format.Formats;
import io.sluice.format.RowBatch;
import io.sluice.format.RowError;
import io.sluice.format.RowReader;
import io.sluice.load.CopyConnections;
import io.sluice.load.CopyLoad;
import io.sluice.load.CopyStream;
import io.sluice.load.ParquetCopy;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.source.SourceFile;

/**
 * Loads one partition of a run: each of its pieces of work (a file or a byte range of one) from the
 * ledger's checkpoint on, batch by batch. A batch's rows (with their provenance), row errors, the
 * piece's checkpoint and the run's counters commit in one transaction (COPY over the partition's
 * pgjdbc connection), so a crash at any point
 * leaves the checkpoint saying exactly which rows are in. A piece that must replace earlier rows
 * (or an external table's file) commits all at once instead. BLOCKING: runs on run threads.
 */
@ApplicationScoped
class PartitionLoader {
    private static final Logger LOG = Logger.getLogger(PartitionLoader.class);

    @Inject
    CopyConnections copies;
    @Inject
    RunThreads threads;
    @Inject
    RunStore store;
    @Inject
    FileLedger ledger;
    @Inject
    RunConfig config;
    @Inject
    RunService runs;
    @Inject
    RunMetrics metrics;

    /** What one partition loads into, and how: quoted column names (provenance last), their kinds, the key for upsert. */
    record Target(String qualified, List<String> names, List<PgType.Kind> kinds, List<String> keys, boolean upsert,
            String repeatsSince, boolean provenance) {
    }

    /** Per-run state shared by its partitions: local copies of downloaded files, and a stop signal. */
    record Shared(Path scratch, Map<String, Path> downloads, BooleanSupplier stop) {
    }

    Target target(RunJob job, String qualifiedTarget, String runStartXid) {
        TableSpec loaded = job.provenance() ? job.table().withProvenance() : job.table();
        return new Target(qualifiedTarget, loaded.columns().stream().map(c -> TableSpec.quote(c.name())).toList(),
                loaded.columns().stream().map(c -> c.type().kind()).toList(),
                loaded.primaryKey().stream().map(TableSpec::quote).toList(), job.upsert(), runStartXid, job.provenance());
    }

    /**
     * Loads the partition's pieces from where they stand (the ledger's checkpoints; for replace
     * runs, the partition's own) under {@code claim}: every transaction checks the claim, so a
     * replica whose lease was taken over commits nothing more ({@link ClaimLost}).
     */
    void load(RunJob job, RunStore.Partition part, Target target, Shared shared, ClaimStore.PartitionClaim claim)
            throws Exception {
        int rows = config.batchRows(job.table().columns().size());
        LoadConnection[] lanes = new LoadConnection[overlaps(job, target) ? 2 : 1];
        RowBatch[] batches = new RowBatch[lanes.length + 1];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = new RowBatch(job.table(), rows);
        }
        try {
            lanes[0] = LoadConnection.forPartition(copies.open(), config.heartbeatTimeout());
            for (int f = part.fileIndex(); f < part.files().size(); f++) {
                PlannedFile piece = part.files().get(f);
                long from = 0;
                if (!job.replace()) {
                    LedgerEntry.Part checkpoint = await(ledger.part(piece.segmentId(), piece.partKey()));
                    if (checkpoint == null || checkpoint.done()) {
                        continue; // another run finished it (or the file's segment was replaced since)
                    }
                    from = piece.oneTransaction() ? 0 : checkpoint.consumed();
                } else if (f == part.fileIndex() && !piece.oneTransaction()) {
                    from = part.fileRow(); // committed to the staging table before a takeover
                }
                try {
                    if (piece.oneTransaction()) {
                        loadAtOnce(lanes[0], job, claim, f, piece, target, batches, shared);
                    } else {
                        if (lanes.length > 1 && lanes[1] == null) {
                            lanes[1] = LoadConnection.forPartition(copies.open(), config.heartbeatTimeout());
                        }
                        loadInBatches(lanes, job, claim, f, piece, from, target, batches, shared);
                    }
                } catch (Exception e) {
                    for (LoadConnection lane : lanes) {
                        if (lane != null) {
                            lane.rollback();
                        }
                    }
                    throw unreadable(piece, e);
                }
            }
        } finally {
            for (LoadConnection lane : lanes) {
                if (lane != null) {
                    lane.close();
                }
            }
        }
    }

    /**
     * Whether the partition's batches go through two connections in turn, so that PostgreSQL takes
     * batch n+1's COPY while batch n's checkpoint statements and commit go (a batch's round trips
     * would leave the one backend idle otherwise). Only for a run of one partition (with more, the
     * other partitions' COPYs keep PostgreSQL busy, and connections stay one per partition), and for
     * appends (an upsert's INSERT could wait on batch n's uncommitted keys).
     */
    private boolean overlaps(RunJob job, Target target) {
        return config.overlapBatches() && job.partitions() == 1 && !job.replace() && !target.upsert();
    }

    /**
     * Batch by batch, each committed with its checkpoint, in order; the reader parses batch n+1 while
     * batch n commits. With two {@code lanes} (connections) batch n+1's COPY also goes while batch n
     * commits; its own statements and commit wait for batch n's, and it rolls back if batch n failed.
     */
    private void loadInBatches(LoadConnection[] lanes, RunJob job, ClaimStore.PartitionClaim claim, int fileIndex,
            PlannedFile piece, long from, Target target, RowBatch[] batches, Shared shared) throws Exception {
        if (from > 0) {
            runs.log(job.runId(), "load", "Resumed " + describe(piece) + " after row " + (firstRow(piece) + from)
                    + " (rows up to it were committed before)").await().indefinitely();
            LOG.infof("Run %s: resumed %s at row %d", job.runId(), describe(piece), firstRow(piece) + from + 1);
        }
        long committed = from;
        // commits in flight, oldest first: at most one per lane; batch k is read into buffer k % (lanes + 1),
        // which the commit of batch k - lanes - 1 used and which has ended by then
        Deque<Future<Long>> inFlight = new ArrayDeque<>();
        int k = 0;
        try (RowReader reader = open(job, piece, from, shared)) {
            while (true) {
                RowBatch batch = batches[k % (lanes.length + 1)];
                List<RowError> errors = new ArrayList<>();
                int read = reader.read(batch, errorsInFileRows(piece, errors));
                long consumed = reader.rowsConsumed();
                while (inFlight.size() >= lanes.length) {
                    checkThreshold(job, result(inFlight.removeFirst()));
                }
                stopIfAsked(shared);
                if (read > 0 || !errors.isEmpty() || consumed > committed) {
                    long done = consumed - committed;
                    LoadConnection tx = lanes[k % lanes.length];
                    Future<Long> previous = inFlight.peekLast(); // batch k - 1's commit, unless it has ended
                    inFlight.addLast(threads.submit(() -> commitBatch(tx, job, claim, fileIndex, piece, target, batch,
                            errors, consumed, done, previous)));
                    committed = consumed;
                    k++;
                }
                if (read == 0) {
                    break;
                }
            }
            while (!inFlight.isEmpty()) {
                checkThreshold(job, result(inFlight.removeFirst()));
            }
        } finally {
            for (Future<Long> commit : inFlight) {
                try {
                    commit.get(); // never leave a commit running on a connection
                } catch (ExecutionException e) {
                    // the first failure is the one reported
                }
            }
        }
        LoadConnection tx = lanes[0];
        requireUnchanged(job, piece);
        if (!job.replace()) {
            ledger.completePart(tx, piece.segmentId(), piece.partKey());
        }
        store.advancePartition(tx, claim, 0, fileIndex + 1, 0, config.heartbeatTimeout());
        tx.commit();
        metrics.bytesRead(job.pipelineName(), piece.bytes());
    }

    /** One batch: rows, errors, checkpoint and counters, committed together. Returns the run's failed rows. */
    private long commitBatch(LoadConnection tx, RunJob job, ClaimStore.PartitionClaim claim, int fileIndex, PlannedFile piece,
            Target target, RowBatch batch, List<RowError> errors, long consumed, long done, Future<Long> previous)
            throws SQLException {
        try {
            long[] written = writeRows(tx, target, piece, batch, null);
            long failed = failedRows(errors);
            tx.insertErrors(job.runId(), piece.path(), errors);
            awaitCommitted(previous);
            if (!job.replace()) {
                ledger.advance(tx, piece.segmentId(), piece.partKey(), consumed, done, failed, job.runId());
            }
            store.advancePartition(tx, claim, done, fileIndex, consumed, config.heartbeatTimeout());
            long runFailed = store.count(tx, job.runId(), done, failed, written[0] + written[1]);
            tx.commit();
            metrics.batchCommitted(job.pipelineName(), done, failed, written[0] + written[1]);
            return runFailed;
        } catch (SQLException | RuntimeException e) {
            tx.rollback();
            throw e;
        }
    }

    /** A piece loaded whole, not yet recorded: rows processed, failed, skipped, and the earlier rows it replaced. */
    record Loaded(PlannedFile piece, long rows, long rejected, long skipped, long replaced) {
    }

    /**
     * Every row of the piece in one transaction: the rows it replaces leave the table in it too, so
     * readers see the earlier version or this one, never both and never neither.
     */
    private void loadAtOnce(LoadConnection tx, RunJob job, ClaimStore.PartitionClaim claim, int fileIndex, PlannedFile piece,
            Target target, RowBatch[] batches, Shared shared) throws Exception {
        TransactionLane lane = lane(tx, batches);
        Loaded done;
        try {
            CompletableFuture<Loaded> loading = readWhole(lane, job, piece, target, shared); // load() names an unreadable file
            lane.sync();
            done = TransactionLane.valueOf(loading);
        } finally {
            lane.drain(); // never leave a COPY running on the connection
        }
        record(tx, job, List.of(done));
        store.advancePartition(tx, claim, done.rows(), fileIndex + 1, 0, config.heartbeatTimeout());
        tx.commit();
        metrics.batchCommitted(job.pipelineName(), done.rows(), done.rejected(), done.skipped());
        metrics.bytesRead(job.pipelineName(), piece.bytes());
        logReplaced(job, done);
    }

    /** A lane for the statements of one transaction on {@code tx}, its reader filling {@code batches} in turn. */
    TransactionLane lane(LoadConnection tx, RowBatch[] batches) {
        return new TransactionLane(tx, threads.executor(), batches);
    }

    /**
     * Reads the piece whole and gives its statements to {@code lane} without waiting for them: the
     * next piece of the transaction (an Iceberg sync's {@link SnapshotTransaction} loads every file
     * of the snapshot range in one) is read while this one's rows are COPYed. What it loaded is known
     * once the lane has run the piece's last statement; the caller {@link #record}s it, after the lane.
     */
    CompletableFuture<Loaded> loadWhole(TransactionLane lane, RunJob job, PlannedFile piece, Target target, Shared shared)
            throws Exception {
        try {
            return readWhole(lane, job, piece, target, shared);
        } catch (Exception e) {
            throw unreadable(piece, e);
        }
    }

    /**
     * A file that cannot be read as its format at all is bad input, not a fault of Sluice: the run
     * fails with a message that names the file (logged without a stack trace). Other failures pass.
     */
    static Exception unreadable(PlannedFile piece, Exception e) {
        return e instanceof FormatException ? new RunExecutor.RunFailure(describe(piece) + ": " + e.getMessage()) : e;
    }

    private CompletableFuture<Loaded> readWhole(TransactionLane lane, RunJob job, PlannedFile piece, Target target, Shared shared)
            throws Exception {
        if (directCopy(job, piece, target)) {
            // a turn of the lane's batches: as many files open and waiting as batches, no more
            RowBatch turn = lane.freeBatch();
            ParquetCopy file;
            try {
                file = ParquetCopy.open(RunExecutor.local(job, piece.file(), shared), job.table(), job.options());
            } catch (Exception e) {
                lane.giveBack(turn);
                throw e;
            }
            if (file != null) {
                return loadDirect(lane, turn, job, piece, target, shared, file);
            }
            lane.giveBack(turn);
        }
        long processed = 0;
        long failed = 0;
        long before = job.maxFailedRows() == null ? 0 : await(store.counts(job.runId()))[1];
        List<CompletableFuture<long[]>> writes = new ArrayList<>();
        CompletableFuture<Long> replaced;
        try (RowReader reader = open(job, piece, 0, shared)) {
            replaced = replaceEarlierRows(lane, piece, target);
            while (true) {
                stopIfAsked(shared);
                RowBatch batch = lane.freeBatch();
                boolean given = false;
                try {
                    List<RowError> errors = new ArrayList<>();
                    int read = reader.read(batch, errorsInFileRows(piece, errors));
                    long consumed = reader.rowsConsumed();
                    if (job.segmentPerTransaction() && !errors.isEmpty()) {
                        throw rowsRejected(job, piece, errors);
                    }
                    if (read > 0 || !errors.isEmpty() || consumed > processed) {
                        writes.add(lane.thenCopy(batch, (tx, rows) -> {
                            long[] written = writeRows(tx, target, piece, batch, rows);
                            if (!errors.isEmpty()) {
                                rows.end();
                                tx.insertErrors(job.runId(), piece.path(), errors);
                            }
                            return written;
                        }));
                        given = true;
                        failed += failedRows(errors);
                        processed = consumed;
                        checkThreshold(job, before + failed);
                    }
                    if (read == 0) {
                        break;
                    }
                } finally {
                    if (!given) {
                        lane.giveBack(batch);
                    }
                }
            }
        }
        requireUnchanged(job, piece);
        long rows = processed;
        long rejected = failed;
        return lane.afterwards(() -> {
            long skipped = 0;
            for (CompletableFuture<long[]> write : writes) {
                long[] written = write.join(); // ended: the lane runs this after it
                skipped += written[0] + written[1];
            }
            return new Loaded(piece, rows, rejected, skipped, replaced.join());
        });
    }

    /** On the lane: deletes the rows of the earlier versions the piece replaces (none: 0 at once); their count. */
    private CompletableFuture<Long> replaceEarlierRows(TransactionLane lane, PlannedFile piece, Target target) {
        return piece.replaces().isEmpty() ? CompletableFuture.completedFuture(0L)
                : lane.then(tx -> ledger.replace(tx, target.qualified(), piece.segmentId(), piece.replaces()));
    }

    /**
     * Whether a piece's rows may go from its Parquet columns straight into the COPY ({@link ParquetCopy}):
     * an external table's sync (where a rejected row fails the sync, so no row needs skipping), appended,
     * without validation rules. The file itself may still need the row reader (a nested field).
     */
    private static boolean directCopy(RunJob job, PlannedFile piece, Target target) {
        return job.format() == SourceFormat.PARQUET && job.segmentPerTransaction() && !target.upsert() && piece.range() == null
                && (job.validation() == null || job.validation().isEmpty());
    }

    /**
     * {@link #loadWhole} of a Parquet file by {@link ParquetCopy}: the lane's thread decodes and encodes
     * it in its turn, into the open COPY. A row the row reader would reject fails the piece as the row
     * reader words it: the file is read again, with {@code turn} as the batch, for the errors.
     */
    private CompletableFuture<Loaded> loadDirect(TransactionLane lane, RowBatch turn, RunJob job, PlannedFile piece, Target target,
            Shared shared, ParquetCopy file) {
        CompletableFuture<Long> replaced;
        CompletableFuture<Long> rows;
        try {
            replaced = replaceEarlierRows(lane, piece, target);
            rows = lane.thenCopy(turn, (tx, copy) -> {
                long written;
                try {
                    written = copy.append(piece.path(), target.qualified(), target.names(), target.kinds(), file,
                            target.provenance() ? piece.segmentId() : null, firstRow(piece), () -> stopIfAsked(shared));
                } catch (ParquetCopy.Rejected e) {
                    throw rowsRejected(job, piece, firstErrors(job, piece, shared, turn));
                }
                requireUnchanged(job, piece);
                return written;
            });
        } catch (RuntimeException e) {
            closeQuietly(file);
            throw e;
        }
        rows.whenComplete((written, failure) -> closeQuietly(file)); // also when an earlier failure skipped the step
        return lane.afterwards(() -> new Loaded(piece, rows.join(), 0, 0, replaced.join()));
    }

    /** The errors of the piece's first batch that has any, read by the row reader into {@code batch}. */
    private List<RowError> firstErrors(RunJob job, PlannedFile piece, Shared shared, RowBatch batch) throws IOException {
        List<RowError> errors = new ArrayList<>();
        try (RowReader reader = open(job, piece, 0, shared)) {
            while (true) {
                int read = reader.read(batch, errorsInFileRows(piece, errors));
                if (!errors.isEmpty()) {
                    return errors;
                }
                if (read == 0) {
                    throw new IllegalStateException("The Parquet COPY of " + piece.path() + " found a row the row reader accepts");
                }
            }
        }
    }

    private static void closeQuietly(ParquetCopy file) {
        try {
            file.close();
        } catch (IOException e) {
            LOG.debugf(e, "closing a Parquet file");
        }
    }

    /**
     * Records pieces loaded whole in {@code tx}, set-based however many they are: each one's ledger
     * checkpoint at its end (its segment loaded with its last part) and the run's counters.
     * Returns their rows processed, failed and skipped.
     */
    long[] record(LoadConnection tx, RunJob job, List<Loaded> pieces) throws SQLException {
        ledger.completeWhole(tx, job.runId(), pieces.stream()
                .map(l -> new FileLedger.Completed(l.piece().segmentId(), l.piece().partKey(), l.rows(), l.rejected())).toList());
        long[] totals = new long[3];
        for (Loaded l : pieces) {
            totals[0] += l.rows();
            totals[1] += l.rejected();
            totals[2] += l.skipped();
        }
        store.count(tx, job.runId(), totals[0], totals[1], totals[2]);
        return totals;
    }

    /** After the commit: says how many rows of an earlier version the piece replaced. */
    void logReplaced(RunJob job, Loaded done) {
        PlannedFile piece = done.piece();
        if (!piece.replaces().isEmpty()) {
            String message = "Replaced " + done.replaced() + " rows of an earlier version of " + piece.path() + " with the "
                    + (done.rows() - done.rejected()) + " rows of its current one (ETag " + piece.etag() + ")";
            runs.log(job.runId(), "load", message).await().indefinitely();
            LOG.infof("Run %s: %s", job.runId(), message);
        }
    }

    /**
     * COPYs the batch with its provenance (the segment's id and each row's number in the file).
     * Returns the rows skipped as repeats of a key in the batch, and those that replaced a key this
     * run had loaded before (upsert).
     */
    /** The batch's rows with their provenance; through {@code open}, the lane's open COPY, unless null. */
    private static long[] writeRows(LoadConnection tx, Target target, PlannedFile piece, RowBatch batch, CopyStream open)
            throws SQLException {
        int size = batch.size();
        if (size == 0) {
            return new long[2];
        }
        int own = batch.table().columns().size();
        Object[][] columns = new Object[own + (target.provenance() ? 2 : 0)][];
        for (int c = 0; c < own; c++) {
            columns[c] = batch.column(c);
        }
        if (!target.provenance()) {
            return copy(tx, target, piece.path(), columns, size, open);
        }
        Long[] files = new Long[size];
        Long[] rows = new Long[size];
        Arrays.fill(files, piece.segmentId());
        long base = firstRow(piece);
        for (int i = 0; i < size; i++) {
            rows[i] = base + batch.rowNumber(i);
        }
        columns[own] = files;
        columns[own + 1] = rows;
        return copy(tx, target, piece.path(), columns, size, open);
    }

    private static long[] copy(LoadConnection tx, Target target, String source, Object[][] columns, int size, CopyStream rows)
            throws SQLException {
        if (!target.upsert()) {
            if (rows != null) {
                rows.append(source, target.qualified(), target.names(), target.kinds(), columns, size);
            } else {
                CopyLoad.append(tx.jdbc(), target.qualified(), target.names(), target.kinds(), columns, size);
            }
            return new long[2];
        }
        if (rows != null) {
            rows.end(); // an upsert's batch is a COPY and an INSERT of its own
        }
        CopyLoad.Result r = CopyLoad.upsert(tx.jdbc(), target.qualified(), target.names(), target.kinds(), target.keys(),
                columns, size, target.repeatsSince());
        return new long[] { r.skipped(), r.repeats() };
    }

    /**
     * An external table's sync loads a file whole or not at all (COMPLETED means every row is there):
     * a row that cannot be converted fails the run, the file's transaction rolls back, and the
     * batch's errors are kept in a transaction of their own for the run's /errors.
     */
    private RunExecutor.RunFailure rowsRejected(RunJob job, PlannedFile piece, List<RowError> errors) throws SQLException {
        long rows = failedRows(errors);
        try (LoadConnection side = new LoadConnection(copies.open())) {
            side.insertErrors(job.runId(), piece.path(), errors);
            side.update("UPDATE sluice.run SET failed_rows = failed_rows + ? WHERE id = ?", rows, job.runId());
            side.commit();
        }
        String first = errors.stream().limit(3).map(e -> "row " + e.row() + (e.column() == null ? "" : " column " + e.column())
                + ": " + e.error()).collect(java.util.stream.Collectors.joining("; "));
        return new RunExecutor.RunFailure("File " + piece.path() + ": " + rows + " row(s) of a batch cannot be converted ("
                + first + "); none of the file's rows are loaded (see the run's /errors)");
    }

    private static long failedRows(List<RowError> errors) {
        return errors.stream().mapToLong(RowError::row).distinct().count();
    }

    /** Waits for the previous batch's commit (another lane's); if it failed, so does this batch (rolled back). */
    private static void awaitCommitted(Future<Long> previous) {
        if (previous == null) {
            return;
        }
        try {
            previous.get();
        } catch (ExecutionException e) {
            throw new EarlierBatchFailed(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EarlierBatchFailed(e);
        }
    }

    /** A batch is not committed after an earlier one of its partition failed: the earlier failure is the one reported. */
    static final class EarlierBatchFailed extends RuntimeException {
        EarlierBatchFailed(Throwable cause) {
            super("an earlier batch of the partition failed", cause);
        }
    }

    private static long result(Future<Long> commit) throws Exception {
        try {
            return commit.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
        }
    }

    /** Errors with the file's row numbers, whatever range found them. */
    private static java.util.function.Consumer<RowError> errorsInFileRows(PlannedFile piece, List<RowError> errors) {
        long base = firstRow(piece);
        return base == 0 ? errors::add : e -> errors.add(new RowError(e.row() + base, e.column(), e.value(), e.error()));
    }

    private static long firstRow(PlannedFile piece) {
        return piece.firstRow() == null ? 0 : piece.firstRow();
    }

    private static void checkThreshold(RunJob job, long failed) {
        if (job.maxFailedRows() != null && failed > job.maxFailedRows()) {
            throw new RunExecutor.RunFailure("Too many rows failed validation: " + failed + " > max_failed_rows "
                    + job.maxFailedRows() + " (rows committed so far are kept; the next run or a retry continues after them,"
                    + " or replaces them if the file was fixed)");
        }
    }

    private static void stopIfAsked(Shared shared) {
        if (shared.stop().getAsBoolean()) {
            throw new RunExecutor.Cancelled();
        }
    }

    /**
     * A file that changed or shrank while it was read is never recorded as loaded: its rows are
     * replaced when its next version is read (the segment goes stale; a one-transaction piece rolls back).
     */
    private void requireUnchanged(RunJob job, PlannedFile piece) {
        Optional<SourceFile> now = await(job.store().stat(piece.path()));
        if (now.isPresent() && now.get().size() == piece.size() && piece.etag().equals(now.get().etag())) {
            return;
        }
        if (!job.replace() && !piece.oneTransaction()) {
            await(ledger.markStale(piece.segmentId()));
        }
        throw new RunExecutor.RunFailure(piece.path() + " changed while it was read (listed with " + piece.size() + " bytes, ETag "
                + piece.etag() + "; now " + now.map(f -> f.size() + " bytes, ETag " + f.etag()).orElse("gone")
                + "): it is not recorded as loaded, and the rows read from it are replaced when its next version is loaded");
    }

    private RowReader open(RunJob job, PlannedFile piece, long skipRows, Shared shared) throws IOException {
        SourceFile file = piece.file();
        ByteRange range = piece.range();
        if (range != null) {
            String[] header = range.start() == 0 ? null : Formats.csvHeader(job.options(), job.store().open(file));
            return Formats.openCsvRange(job.options(), job.store().open(file, range.start(), range.length()), header,
                    job.table(), job.validation(), skipRows);
        }
        if (job.format() == SourceFormat.PARQUET) {
            return Formats.openParquet(RunExecutor.local(job, file, shared), job.table(), job.validation(), skipRows,
                    job.options());
        }
        return Formats.open(job.format(), job.options(), job.store().open(file), job.table(), job.validation(), skipRows);
    }

    static String describe(PlannedFile piece) {
        return piece.range() == null ? piece.path()
                : piece.path() + " (bytes " + piece.rangeStart() + "-" + piece.rangeEnd() + ")";
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().indefinitely();
    }

    /**
     * The partition's lease is another claim's now (this replica froze, or lost PostgreSQL, past its
     * lease, and another replica took the partition over): this claim's transaction was rolled back.
     */
    static final class ClaimLost extends RuntimeException {
        ClaimLost(ClaimStore.PartitionClaim claim) {
            super("Partition " + claim.index() + " of run " + claim.runId() + " was taken over by another replica");
        }
    }
}
