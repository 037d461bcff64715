package io.sluice.run;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.type.TypeReference;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.api.SluiceException;
import io.sluice.pipeline.Pipeline;
import io.sluice.pipeline.status.ProgramStatus;
import io.sluice.pipeline.status.StorageStatus;
import io.sluice.run.RunViews.LogEntry;
import io.sluice.run.RunViews.PartitionDetail;
import io.sluice.run.RunViews.RowErrorView;
import io.sluice.source.SourceFile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/** Creating, reading and retrying runs; the {@link RunExecutor} does the loading. */
@ApplicationScoped
public class RunService {
    static final int PROGRESS_ERRORS = 20;
    private static final TypeReference<List<SourceFile>> SOURCE_FILES = new TypeReference<>() {
    };
    private static final String LOG = "SELECT stage, message, logged_at FROM sluice.run_log WHERE run_id = $1 ORDER BY seq";
    private static final String ERRORS = """
            SELECT row_number, column_name, value, error FROM sluice.run_error WHERE run_id = $1 ORDER BY seq""";
    private static final String PARTITIONS = """
            SELECT index, status, rows, total_rows FROM sluice.run_partition WHERE run_id = $1 ORDER BY index""";

    @Inject
    Pool pool;
    @Inject
    InstantSource clock;
    @Inject
    RunClaimer claimer;
    @Inject
    FileLedger ledger;
    @Inject
    io.sluice.pipeline.PipelineJson json;

    /** Finds a pipeline by id, or by name (seed C addresses pipelines by id; names are accepted too). */
    public static Uni<Pipeline> pipeline(String idOrName) {
        UUID id = parseUuid(idOrName);
        Uni<Pipeline> lookup = id != null ? Pipeline.findById(id)
                : Pipeline.<Pipeline>find("name", idOrName).firstResult();
        return lookup.map(p -> {
            if (p == null) {
                throw SluiceException.notFound("UnknownPipeline", "Pipeline not found: " + idOrName,
                        Map.of("pipeline", idOrName));
            }
            return p;
        });
    }

    /** The run of that pipeline, or 404. */
    public static Uni<Run> run(Pipeline p, String runId) {
        UUID id = parseUuid(runId);
        Uni<Run> lookup = id == null ? Uni.createFrom().nullItem() : Run.findById(id);
        return lookup.map(r -> {
            if (r == null || !r.pipelineId.equals(p.id)) {
                throw SluiceException.notFound("UnknownRun", "Run not found: " + runId, Map.of("runId", runId));
            }
            return r;
        });
    }

    /** Creates a manual run and starts it. */
    public Uni<Run> trigger(String pipelineIdOrName) {
        return start(() -> pipeline(pipelineIdOrName), "manual", null);
    }

    /**
     * Creates a run of the pipeline ({@code trigger}: manual, schedule, poll) over its source, or
     * over {@code prefix} when given, and starts it. The run row commits before anything refers to it.
     */
    public Uni<Run> start(java.util.function.Supplier<Uni<Pipeline>> pipeline, String trigger, String prefix) {
        return Panache.withTransaction(() -> pipeline.get().chain(p -> create(p, trigger, null, prefix)))
                .call(r -> log(r.id, "extract", "Run requested (" + trigger + ")"))
                .invoke(r -> claimer.poke());
    }

    /** A new pending run of {@code p} (409 while another run of it is active). */
    public Uni<Run> create(Pipeline p, String trigger, Run retryOf, String sourcePrefix) {
        if (p.programStatus != ProgramStatus.Success) {
            throw SluiceException.unprocessable("ProgramNotReady",
                    "Pipeline '" + p.name + "' cannot run: its program is " + p.programStatus, Map.of("program_status", p.programStatus.name()));
        }
        if (p.connectorName == null && !RunJob.SYNC.equals(trigger)) {
            throw SluiceException.unprocessable("NoSource", "Pipeline '" + p.name + "' has no source", null);
        }
        Run r = new Run();
        r.id = UUID.randomUUID();
        r.pipelineId = p.id;
        r.status = RunStatus.PENDING.wire();
        r.trigger = trigger;
        r.loadStrategy = p.loadStrategy;
        r.partitions = retryOf == null ? p.partitions : retryOf.partitions;
        r.createdAt = clock.instant();
        r.heartbeatAt = r.createdAt;
        r.sourcePrefix = sourcePrefix;
        if (retryOf != null) {
            r.retryOf = retryOf.id;
            // what the original run loaded before a later /clear is gone: resuming would skip it
            r.resumable = !"replace".equals(retryOf.loadStrategy)
                    && (p.storageClearedAt == null || retryOf.createdAt.isAfter(p.storageClearedAt));
            r.sourcePrefix = retryOf.sourcePrefix;
        }
        // The pipeline row locked (shared) until the run is committed: a /clear, which locks it to
        // check for active runs, either sees this run or is seen as Clearing here.
        // An active run is looked for first, so that the usual refusal does not go through a unique
        // violation (logged by Hibernate); the index still settles two creators racing.
        return Panache.getSession().chain(session -> session
                .createNativeQuery("""
                        SELECT p.storage_status, EXISTS (SELECT 1 FROM sluice.run r
                                                         WHERE r.pipeline_id = p.id AND r.status IN ('pending', 'running'))
                        FROM sluice.pipeline p WHERE p.id = ?1 FOR SHARE OF p""", Object[].class)
                .setParameter(1, p.id).getSingleResult())
                .chain(state -> {
                    if (StorageStatus.Clearing.name().equals(state[0])) {
                        throw SluiceException.conflict("StorageClearing", "Pipeline '" + p.name
                                + "' is clearing its storage; run it once storage_status is Cleared",
                                Map.of("storage_status", state[0]));
                    }
                    if (Boolean.TRUE.equals(state[1])) {
                        throw runInProgress(p);
                    }
                    return r.<Run>persistAndFlush();
                })
                .onFailure(RunService::isActiveRunConflict).transform(e -> runInProgress(p));
    }

    private static SluiceException runInProgress(Pipeline p) {
        return SluiceException.conflict("RunInProgress", "Pipeline '" + p.name + "' already has a pending or running run",
                Map.of("pipelineId", p.id));
    }

    /**
     * Creates a run of the pipeline over exactly {@code files}, chosen by the caller (an external
     * table's sync: its catalog or watermark chose them), and starts it; the run plans them like any
     * other (skipping those loaded already), each file loaded in one transaction.
     */
    public Uni<Run> startPlanned(UUID pipelineId, String trigger, List<SourceFile> files) {
        return Panache.withTransaction(() -> Pipeline.<Pipeline>findById(pipelineId).chain(p -> create(p, trigger, null, null))
                        .call(r -> {
                            r.sourceFiles = json.write(files);
                            return r.persistAndFlush();
                        }))
                .call(r -> log(r.id, "extract", "Run requested (" + trigger + ") over " + files.size() + " file(s)"))
                .invoke(r -> claimer.poke());
    }

    private record Retry(Run original, Run retry) {
    }

    public Uni<Run> retry(String pipelineIdOrName, String runId) {
        return Panache.withTransaction(() -> pipeline(pipelineIdOrName).chain(p -> run(p, runId).chain(original -> {
            RunStatus status = original.runStatus();
            if (RunJob.SYNC.equals(original.trigger)) {
                // its files load whole or not at all; the table's next sync takes up what it left
                throw SluiceException.unprocessable("RunNotRetryable", "Run " + runId + " is an external table's sync:"
                        + " trigger the next sync with POST /tasks/schedule, which loads the files this one left",
                        Map.of("trigger", original.trigger));
            }
            if (!status.isRetryable()) {
                throw SluiceException.unprocessable("RunNotRetryable", "Run " + runId + " is " + status
                        + "; only failed or completed_with_errors runs can be retried", Map.of("status", status.wire()));
            }
            return create(p, "retry", original, null).chain(retry -> filesOf(original).chain(files -> {
                retry.sourceFiles = files;
                // what it resumes from, as far as known now; its plan says exactly
                Uni<Long> from = !retry.resumable || files == null ? Uni.createFrom().item(0L)
                        : ledger.committedRows(p.id, json.read(files, SOURCE_FILES).stream().map(SourceFile::path)
                                .toArray(String[]::new));
                return from.chain(rows -> {
                    retry.resumeFromRow = rows;
                    return retry.<Run>persistAndFlush();
                });
            })).map(retry -> new Retry(original, retry));
        }))).call(r -> log(r.retry().id, "retry", retryMessage(r.original(), r.retry()))).map(Retry::retry)
                .invoke(r -> claimer.poke());
    }

    /**
     * The files a retry takes up: those the original run was about (its plan records them, loaded
     * ones included), or null (its source's listing) when it failed before planning. Each is looked at
     * again when the retry runs: unchanged files continue after their last committed row, changed
     * ones are replaced.
     */
    private static Uni<String> filesOf(Run original) {
        return Uni.createFrom().item(original.sourceFiles);
    }

    private static String retryMessage(Run original, Run retry) {
        return retry.resumable ? "Retrying run " + original.id + ": each file continues after its last committed row,"
                + " and a file changed since is loaded again in place of its earlier rows"
                : "replace".equals(original.loadStrategy)
                ? "Full re-run from the beginning: load strategy replace (original run: " + original.id + ")"
                : "Full re-run from the beginning: the pipeline's storage was cleared after the original run "
                        + original.id;
    }

    @WithSession
    public Uni<RunViews.RunList> list(String pipelineIdOrName, int page, int size) {
        if (page < 0 || size < 1 || size > 500) {
            throw SluiceException.invalidField("size", "page must be >= 0 and size between 1 and 500");
        }
        if ((long) page * size > Integer.MAX_VALUE) {
            // the offset page * size must fit PostgreSQL's OFFSET as Hibernate passes it (an int)
            throw SluiceException.invalidField("page", "page * size must be at most " + Integer.MAX_VALUE);
        }
        return pipeline(pipelineIdOrName).chain(p -> {
            var query = Run.<Run>find("pipelineId", Sort.descending("createdAt"), p.id);
            return query.page(Page.of(page, size)).list().chain(runs -> query.count().chain(total ->
                    Multi.createFrom().iterable(runs).onItem().transformToUniAndConcatenate(this::view)
                            .collect().asList().map(views -> new RunViews.RunList(views, total))));
        });
    }

    @WithSession
    public Uni<RunViews.RunView> get(String pipelineIdOrName, String runId) {
        return pipeline(pipelineIdOrName).chain(p -> run(p, runId)).chain(this::view);
    }

    public Uni<RunViews.RunView> view(Run r) {
        return logOf(r.id).map(log -> new RunViews.RunView(r.id, r.pipelineId, r.runStatus(), r.loadStrategy, r.trigger,
                new RunViews.Metadata(r.retryOf, r.resumeFromRow, r.resumable), r.totalRows, r.processedRows,
                r.failedRows, r.skippedRows, r.partitions, r.createdAt, r.startedAt, r.finishedAt, durationMs(r),
                r.errorMessage, log));
    }

    @WithSession
    public Uni<RunViews.Progress> progress(String pipelineIdOrName, String runId) {
        return pipeline(pipelineIdOrName).chain(p -> run(p, runId)).chain(r -> Uni.combine().all()
                .unis(partitions(r.id), errors(r.id, PROGRESS_ERRORS), logOf(r.id)).asTuple()
                .map(t -> {
                    List<PartitionDetail> parts = t.getItem1();
                    int completed = (int) parts.stream().filter(d -> "completed".equals(d.status())).count();
                    return new RunViews.Progress(r.runStatus(), r.totalRows, r.processedRows, r.failedRows,
                            r.skippedRows, r.partitions, completed, parts, t.getItem2(), eta(r), durationMs(r),
                            r.loadStrategy, t.getItem3());
                }));
    }

    @WithSession
    public Uni<Run> requireRun(String pipelineIdOrName, String runId) {
        return pipeline(pipelineIdOrName).chain(p -> run(p, runId));
    }

    /** Every error of a run, as a stream read with a cursor (bounded memory whatever the count). */
    public Multi<RowErrorView> streamErrors(UUID runId) {
        return pool.getConnection().toMulti().flatMap(conn -> conn.begin().toMulti().flatMap(tx -> conn.prepare(ERRORS)
                .toMulti()
                .flatMap(ps -> ps.createStream(1000, Tuple.of(runId)).toMulti())
                .map(RunService::rowError)
                .onTermination().call(() -> tx.commit().onFailure().recoverWithNull()
                        .eventually(conn::close))));
    }

    /** The run's id, found by its pipeline's id or name, for blocking callers; 404 otherwise. */
    public UUID runIdOf(String pipelineIdOrName, String runId) {
        UUID id = parseUuid(runId);
        var rows = id == null ? null : pool.preparedQuery("""
                SELECT r.id FROM sluice.run r JOIN sluice.pipeline p ON p.id = r.pipeline_id
                WHERE r.id = $1 AND (p.id::text = $2 OR p.name = $2)""")
                .execute(Tuple.of(id, pipelineIdOrName)).await().indefinitely();
        if (rows == null || rows.size() == 0) {
            throw SluiceException.notFound("UnknownRun", "Run not found: " + runId, Map.of("runId", runId));
        }
        return id;
    }

    public Uni<Long> errorCount(UUID runId) {
        return pool.preparedQuery("SELECT count(*) FROM sluice.run_error WHERE run_id = $1").execute(Tuple.of(runId))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Void> log(UUID runId, String stage, String message) {
        return pool.preparedQuery("INSERT INTO sluice.run_log (run_id, stage, message, logged_at) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(runId, stage, message, clock.instant().atOffset(java.time.ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    private Uni<List<LogEntry>> logOf(UUID runId) {
        return pool.preparedQuery(LOG).execute(Tuple.of(runId)).map(rows -> {
            List<LogEntry> entries = new ArrayList<>();
            rows.forEach(r -> entries.add(new LogEntry(r.getString(0), r.getString(1), r.getOffsetDateTime(2).toInstant())));
            return entries;
        });
    }

    private Uni<List<RowErrorView>> errors(UUID runId, int limit) {
        return pool.preparedQuery(ERRORS + " LIMIT " + limit).execute(Tuple.of(runId)).map(rows -> {
            List<RowErrorView> errors = new ArrayList<>();
            rows.forEach(r -> errors.add(rowError(r)));
            return errors;
        });
    }

    private Uni<List<PartitionDetail>> partitions(UUID runId) {
        return pool.preparedQuery(PARTITIONS).execute(Tuple.of(runId)).map(rows -> {
            List<PartitionDetail> parts = new ArrayList<>();
            rows.forEach(r -> {
                String status = r.getString(1);
                Long total = r.getLong(3);
                long done = r.getLong(2);
                Integer progress = "running".equals(status) && total != null && total > 0
                        ? (int) Math.min(99, done * 100 / total) : null;
                parts.add(new PartitionDetail(r.getInteger(0), status, done, progress));
            });
            return parts;
        });
    }

    private static RowErrorView rowError(Row r) {
        return new RowErrorView(r.getLong(0), r.getString(1), r.getString(2), r.getString(3));
    }

    private long durationMs(Run r) {
        if (r.startedAt == null) {
            return 0;
        }
        Instant end = r.finishedAt != null ? r.finishedAt : clock.instant();
        return Math.max(0, Duration.between(r.startedAt, end).toMillis());
    }

    /** Remaining time at the measured rate, formatted as the seed shows it ("45s", "3m", "1.2h"). */
    String eta(Run r) {
        if (r.runStatus() != RunStatus.RUNNING || r.totalRows == null || r.processedRows <= 0) {
            return null;
        }
        long elapsed = durationMs(r);
        long remaining = r.totalRows - r.processedRows;
        if (elapsed <= 0 || remaining <= 0) {
            return remaining <= 0 ? "0s" : null;
        }
        return formatEta((long) (remaining * (double) elapsed / r.processedRows / 1000.0));
    }

    static String formatEta(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return Math.round(seconds / 60.0) + "m";
        }
        return String.format(java.util.Locale.ROOT, "%.1fh", seconds / 3600.0);
    }

    /**
     * A unique violation (23505) from inserting the run: the pipeline's active run. Hibernate Reactive
     * reports it as a ConstraintViolationException caused by a java.sql.SQLException, not as the
     * client's PgException.
     */
    private static boolean isActiveRunConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String state = t instanceof PgException pg ? pg.getSqlState()
                    : t instanceof java.sql.SQLException sql ? sql.getSQLState() : null;
            if ("23505".equals(state)) {
                return true;
            }
        }
        return false;
    }

    private static UUID parseUuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
