package io.sluice.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.sluice.source.SourceFile;

/**
 * What a run does with each source file, decided from the ledger alone (pure functions; the
 * {@link RunExecutor} does the I/O). The rule: after a run completes, every source file is in the
 * target table by exactly the rows of the version last read, once.
 * <ul>
 * <li>this version loaded → skip;</li>
 * <li>this version partly loaded → resume after its last committed row (whatever run committed it);</li>
 * <li>an earlier version has rows, or this one went stale (it changed while read) → replace: delete those
 * rows and load this version whole in one transaction (readers never see both versions, nor neither);</li>
 * <li>never seen → load, batch by batch, resumable.</li>
 * </ul>
 * A replace-strategy run loads every file again into a staging table: nothing is skipped or resumed.
 */
final class RunPlanner {
    private RunPlanner() {
    }

    enum Action {
        SKIP, RESUME, REPLACE, LOAD
    }

    /**
     * The decision for one file. {@code current}: the segment of this very version, if any;
     * {@code replaces}: segments whose rows go (earlier versions, and this version when stale).
     */
    record Decision(SourceFile file, Action action, Optional<LedgerEntry> current, List<Long> replaces) {
    }

    /** Files that need replacing but whose earlier rows carry no provenance: refused, with why. */
    static final class Unreplaceable extends RuntimeException {
        Unreplaceable(String message) {
            super(message);
        }
    }

    static Decision decide(SourceFile file, List<LedgerEntry> segmentsOfPath, boolean replaceStrategy) {
        if (replaceStrategy) {
            return new Decision(file, Action.LOAD, Optional.empty(), List.of());
        }
        Optional<LedgerEntry> current = segmentsOfPath.stream().filter(s -> s.etag().equals(file.etag())).findFirst();
        List<LedgerEntry> others = segmentsOfPath.stream().filter(s -> !s.etag().equals(file.etag())).toList();
        boolean stale = current.isPresent() && current.get().state() == SegmentState.STALE;
        List<LedgerEntry> withRows = new ArrayList<>(others.stream().filter(LedgerEntry::hasRows).toList());
        if (stale) {
            withRows.add(current.get());
        }
        if (!withRows.isEmpty()) {
            withRows.stream().filter(s -> !s.provenance()).findFirst().ifPresent(s -> {
                throw new Unreplaceable(file.path() + " changed since it was loaded (ETag " + s.etag() + ", now "
                        + file.etag() + "), and its earlier rows carry no provenance (the pipeline has row_provenance false, or they"
                        + " were loaded before Sluice recorded it): they cannot be replaced row by row, and loading the new"
                        + " version beside them would hold rows twice. Stop the pipeline and /clear its storage to reload it.");
            });
            List<Long> replaces = new ArrayList<>(others.stream().map(LedgerEntry::id).toList());
            if (stale) {
                replaces.add(current.get().id());
            }
            return new Decision(file, Action.REPLACE, current, replaces);
        }
        List<Long> forgotten = others.stream().map(LedgerEntry::id).toList();
        if (current.isEmpty()) {
            return new Decision(file, Action.LOAD, current, forgotten);
        }
        if (current.get().state() == SegmentState.LOADED) {
            return new Decision(file, Action.SKIP, current, List.of());
        }
        return new Decision(file, current.get().hasRows() ? Action.RESUME : Action.LOAD, current, forgotten);
    }

    static List<Decision> decideAll(List<SourceFile> files, Map<String, List<LedgerEntry>> ledger, boolean replaceStrategy) {
        return files.stream().map(f -> decide(f, ledger.getOrDefault(f.path(), List.of()), replaceStrategy)).toList();
    }

    /**
     * How many byte ranges each file to load is cut into (1: whole): when the run has more partitions
     * than files, the extra partitions go one by one to the file whose ranges would then be largest,
     * as long as each range stays at least {@code minRangeBytes}. Only fresh loads of splittable
     * files are cut (a replacement loads in one transaction; a resumed file keeps its ranges).
     */
    static int[] pieces(List<SourceFile> files, List<Boolean> splittable, int partitions, long minRangeBytes) {
        int[] pieces = new int[files.size()];
        java.util.Arrays.fill(pieces, 1);
        for (int extra = partitions - files.size(); extra > 0; extra--) {
            int best = -1;
            for (int i = 0; i < pieces.length; i++) {
                if (!splittable.get(i)) {
                    continue;
                }
                long next = files.get(i).size() / (pieces[i] + 1);
                if (next >= minRangeBytes && (best < 0 || next > files.get(best).size() / (pieces[best] + 1))) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            pieces[best]++;
        }
        return pieces;
    }
}
