package io.sluice.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.sluice.format.ByteRange;
import io.sluice.format.Formats;
import io.sluice.format.RowBatch;
import io.sluice.format.RowError;
import io.sluice.format.RowReader;
import io.sluice.load.BatchBinding;
import io.sluice.load.InsertStatement;
import io.sluice.load.UpsertDeduplication;
import io.sluice.pipeline.program.TableSpec;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.source.SourceFile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Loads one partition of a run: each of its pieces of work (a file or a byte range of one) from the
 * ledger's checkpoint on, batch by batch. A batch's rows (with their provenance), row errors, the
 * piece's checkpoint and the run's counters commit in one transaction, so a crash at any point
 * leaves the checkpoint saying exactly which rows are in. A piece that must replace earlier rows
 * (or an external table's file) commits all at once instead. BLOCKING: runs on run threads.
 */
@ApplicationScoped
class PartitionLoader {
    private static final Logger LOG = Logger.getLogger(PartitionLoader.class);

    @Inject
    Pool pool;
    @Inject
    RunStore store;
    @Inject
    FileLedger ledger;
    @Inject
    RunConfig config;
    @Inject
    RunService runs;

    /** What one partition loads into, and how. */
    record Target(String qualified, TableSpec loaded, String insert, String repeatsSince) {
    }

    /** Per-run state shared by its partitions: local copies of downloaded files, and a stop signal. */
    record Shared(Path scratch, Map<String, Path> downloads, BooleanSupplier stop) {
    }

    Target target(RunJob job, String qualifiedTarget, String runStartXid) {
        TableSpec loaded = job.table().withProvenance();
        String counting = runStartXid == null ? null : InsertStatement.upsertCountingRepeats(loaded, qualifiedTarget);
        String insert = counting != null ? counting
                : job.upsert() ? InsertStatement.upsert(loaded, qualifiedTarget) : InsertStatement.append(loaded, qualifiedTarget);
        return new Target(qualifiedTarget, loaded, insert, counting == null ? null : runStartXid);
    }

    void load(RunJob job, RunStore.Partition part, Target target, Shared shared) throws Exception {
        await(store.partitionStatus(job.runId(), part.index(), "running"));
        RowBatch batch = new RowBatch(job.table(), config.batchSize());
        for (int f = part.fileIndex(); f < part.files().size(); f++) {
            PlannedFile piece = part.files().get(f);
            long from = 0;
            if (!job.replace()) {
                LedgerEntry.Part checkpoint = await(ledger.part(piece.segmentId(), piece.partKey()));
                if (checkpoint == null || checkpoint.done()) {
                    continue; // another run finished it (or the file's segment was replaced since)
                }
                from = piece.oneTransaction() ? 0 : checkpoint.consumed();
            }
            if (piece.oneTransaction()) {
                loadAtOnce(job, part.index(), f, piece, target, batch, shared);
            } else {
                loadInBatches(job, part.index(), f, piece, from, target, batch, shared);
            }
        }
        await(store.partitionStatus(job.runId(), part.index(), "completed"));
    }

    private void loadInBatches(RunJob job, int partition, int fileIndex, PlannedFile piece, long from, Target target,
            RowBatch batch, Shared shared) throws Exception {
        if (from > 0) {
            runs.log(job.runId(), "load", "Resumed " + describe(piece) + " after row " + (firstRow(piece) + from)
                    + " (rows up to it were committed before)").await().indefinitely();
            LOG.infof("Run %s: resumed %s at row %d", job.runId(), describe(piece), firstRow(piece) + from + 1);
        }
        long committed = from;
        try (RowReader reader = open(job, piece, from, shared)) {
            while (true) {
                stopIfAsked(shared);
                List<RowError> errors = new ArrayList<>();
                int read = reader.read(batch, errorsInFileRows(piece, errors));
                long consumed = reader.rowsConsumed();
                if (read > 0 || !errors.isEmpty() || consumed > committed) {
                    Written w = write(job, piece, target, batch, errors, consumed, committed);
                    long done = consumed - committed;
                    long failed = await(pool.withTransaction(conn -> insert(conn, target, w, job, piece, errors)
                            .call(() -> job.replace() ? Uni.createFrom().voidItem()
                                    : ledger.advance(conn, piece.segmentId(), piece.partKey(), consumed, done, w.failed, job.runId()))
                            .call(() -> store.advancePartition(conn, job.runId(), partition, done, fileIndex))
                            .chain(repeated -> store.count(conn, job.runId(), done, w.failed, w.skipped + repeated))));
                    committed = consumed;
                    checkThreshold(job, failed);
                }
                if (read == 0) {
                    break;
                }
            }
        }
        requireUnchanged(job, piece);
        await(pool.withTransaction(conn -> (job.replace() ? Uni.createFrom().item(false)
                : ledger.completePart(conn, piece.segmentId(), piece.partKey()))
                .call(() -> store.advancePartition(conn, job.runId(), partition, 0, fileIndex + 1))));
    }

    /**
     * Every row of the piece in one transaction: the rows it replaces leave the table in it too, so
     * readers see the earlier version or this one, never both and never neither.
     */
    private void loadAtOnce(RunJob job, int partition, int fileIndex, PlannedFile piece, Target target, RowBatch batch,
            Shared shared) throws Exception {
        long[] totals = new long[3];
        try (BlockingTransaction tx = BlockingTransaction.begin(pool); RowReader reader = open(job, piece, 0, shared)) {
            long replaced = piece.replaces().isEmpty() ? 0
                    : tx.run(conn -> ledger.replace(conn, target.qualified(), piece.segmentId(), piece.replaces()));
            long committed = 0;
            while (true) {
                stopIfAsked(shared);
                List<RowError> errors = new ArrayList<>();
                int read = reader.read(batch, errorsInFileRows(piece, errors));
                long consumed = reader.rowsConsumed();
                if (read > 0 || !errors.isEmpty() || consumed > committed) {
                    Written w = write(job, piece, target, batch, errors, consumed, committed);
                    long repeated = tx.run(conn -> insert(conn, target, w, job, piece, errors));
                    totals[0] += consumed - committed;
                    totals[1] += w.failed;
                    totals[2] += w.skipped + repeated;
                    committed = consumed;
                    checkThreshold(job, totals[1] + await(store.counts(job.runId()))[1]);
                }
                if (read == 0) {
                    break;
                }
            }
            requireUnchanged(job, piece);
            long rows = committed;
            tx.run(conn -> ledger.advance(conn, piece.segmentId(), piece.partKey(), rows, rows, totals[1], job.runId())
                    .chain(() -> ledger.completePart(conn, piece.segmentId(), piece.partKey()))
                    .call(() -> store.advancePartition(conn, job.runId(), partition, rows, fileIndex + 1))
                    .call(() -> store.count(conn, job.runId(), totals[0], totals[1], totals[2])));
            tx.commit();
            if (!piece.replaces().isEmpty()) {
                String message = "Replaced " + replaced + " rows of an earlier version of " + piece.path() + " with the "
                        + (rows - totals[1]) + " rows of its current one (ETag " + piece.etag() + ")";
                runs.log(job.runId(), "load", message).await().indefinitely();
                LOG.infof("Run %s: %s", job.runId(), message);
            }
        }
    }

    /** A batch ready to insert: its columns (provenance included), row count, failed and skipped rows. */
    private record Written(Object[][] columns, int size, long failed, long skipped) {
    }

    private Written write(RunJob job, PlannedFile piece, Target target, RowBatch batch, List<RowError> errors,
            long consumed, long committed) {
        int size = batch.size();
        int own = job.table().columns().size();
        Object[][] columns = new Object[own + 2][];
        for (int c = 0; c < own; c++) {
            columns[c] = batch.columnForBinding(c);
        }
        Long[] files = new Long[size];
        Long[] rows = new Long[size];
        long base = firstRow(piece);
        Arrays.fill(files, piece.segmentId());
        for (int i = 0; i < size; i++) {
            rows[i] = base + batch.rowNumber(i);
        }
        columns[own] = files;
        columns[own + 1] = rows;
        long skipped = 0;
        if (job.upsert() && size > 1) {
            UpsertDeduplication.Result deduplicated = UpsertDeduplication.apply(columns, size, job.keyColumns());
            columns = deduplicated.columns();
            size = deduplicated.size();
            skipped = deduplicated.skipped();
        }
        return new Written(columns, size, errors.stream().mapToLong(RowError::row).distinct().count(), skipped);
    }

    /** The batch's rows and errors; returns how many rows replaced keys this run had loaded already (upsert). */
    private Uni<Long> insert(SqlConnection conn, Target target, Written w, RunJob job, PlannedFile piece, List<RowError> errors) {
        Uni<Long> rows = w.size == 0 ? Uni.createFrom().item(0L)
                : target.repeatsSince() == null
                        ? conn.preparedQuery(target.insert()).execute(BatchBinding.of(w.columns)).replaceWith(0L)
                        : conn.preparedQuery(target.insert()).execute(BatchBinding.of(w.columns).addString(target.repeatsSince()))
                                .map(r -> r.iterator().next().getLong(0));
        return rows.call(() -> insertErrors(conn, job.runId(), piece.path(), errors));
    }

    private static Uni<Void> insertErrors(SqlConnection conn, UUID runId, String file, List<RowError> errors) {
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
            return Formats.openParquet(RunExecutor.local(job, file, shared), job.table(), job.validation(), skipRows);
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
}
