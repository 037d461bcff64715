package io.sluice.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.sluice.format.ByteRange;
import io.sluice.format.Formats;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.run.RunPlanner.Action;
import io.sluice.run.RunPlanner.Decision;
import io.sluice.source.SourceFile;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Makes a run's plan: lists its files, lets {@link RunPlanner} decide what each needs, cuts large CSV
 * files into byte ranges, and writes it all (segments and checkpoints of new files, the partitions)
 * in one transaction with the run marked planned: a run whose plan did not commit has none, and plans
 * again when retried. BLOCKING: run threads only.
 */
@ApplicationScoped
class RunPlanWriter {
    private static final Logger LOG = Logger.getLogger(RunPlanWriter.class);

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

    /**
     * A run's plan: its partitions, the files it skipped as loaded already (with their segments), and
     * the rows of ranges finished before (in the run's total, though no partition reads them).
     */
    record RunPlan(List<RunStore.Partition> partitions, Map<SourceFile, LedgerEntry> skipped, long doneBefore) {
    }

    /**
     * Decides what to do with each file, cuts large CSV files into byte ranges, and writes it all
     * (segments and checkpoints of new files, the partitions) in one transaction with the run marked
     * planned: a run whose plan did not commit has none, and plans again when retried.
     */
    RunPlan write(RunJob job, ClaimStore.RunClaim claim) throws IOException {
        List<SourceFile> files = sourceFiles(job);
        Map<String, List<LedgerEntry>> known = await(ledger.of(job.pipelineId(),
                files.stream().map(SourceFile::path).toArray(String[]::new)));
        List<Decision> decisions;
        try {
            decisions = RunPlanner.decideAll(files, known, job.replace());
        } catch (RunPlanner.Unreplaceable e) {
            throw new RunExecutor.RunFailure(e.getMessage());
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
                        : tx.run(conn -> ledger.insert(conn, job.pipelineId(), f, job.runId(), job.provenance()));
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
            tx.run(conn -> store.insertPlan(conn, claim, partitions, resumedRows, files));
            tx.commit();
            logPlan(job, files, decisions, work, resumedRows);
            return new RunPlan(partitions, skipped, committedParts);
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
            partitions.add(new RunStore.Partition(i, files.isEmpty() ? "completed" : "pending", files, total, resumed));
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

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private void log(UUID runId, String stage, String message) {
        try {
            runs.log(runId, stage, message).await().indefinitely();
        } catch (RuntimeException e) {
            LOG.warnf("Run bookkeeping failed: %s", e.getMessage());
        }
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().indefinitely();
    }
}
