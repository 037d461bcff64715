package io.sluice.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.run.RunPlanner.Action;
import io.sluice.run.RunPlanner.Decision;
import io.sluice.source.SourceFile;

/** The planning rule, case by case, without a database. */
class RunPlannerTest {
    private static final SourceFile V2 = new SourceFile("in/a.csv", 100, "e2", Instant.EPOCH);

    private static LedgerEntry segment(long id, String etag, SegmentState state, long rows, boolean provenance) {
        return new LedgerEntry(id, "in/a.csv", etag, 100, state, provenance, rows, 0,
                List.of(new LedgerEntry.Part(0, null, 0, null, rows, state == SegmentState.LOADED)));
    }

    @Test
    void aFileNeverSeenIsLoaded() {
        Decision d = RunPlanner.decide(V2, List.of(), false);
        assertEquals(Action.LOAD, d.action());
        assertTrue(d.replaces().isEmpty());
    }

    @Test
    void theSameVersionLoadedIsSkipped() {
        assertEquals(Action.SKIP, RunPlanner.decide(V2, List.of(segment(1, "e2", SegmentState.LOADED, 50, true)), false).action());
    }

    @Test
    void theSameVersionPartlyLoadedIsResumedWhateverRunStartedIt() {
        Decision d = RunPlanner.decide(V2, List.of(segment(1, "e2", SegmentState.LOADING, 40, true)), false);
        assertEquals(Action.RESUME, d.action());
        assertEquals(1, d.current().get().id());
    }

    @Test
    void theSameVersionRecordedButWithoutRowsIsLoadedFromItsStart() {
        assertEquals(Action.LOAD, RunPlanner.decide(V2, List.of(segment(1, "e2", SegmentState.LOADING, 0, true)), false).action());
    }

    @Test
    void anEarlierVersionWithRowsIsReplacedPartlyOrWhollyLoaded() {
        for (SegmentState state : List.of(SegmentState.LOADING, SegmentState.LOADED)) {
            Decision d = RunPlanner.decide(V2, List.of(segment(7, "e1", state, 40, true)), false);
            assertEquals(Action.REPLACE, d.action(), state.toString());
            assertEquals(List.of(7L), d.replaces());
        }
    }

    @Test
    void aVersionThatWentStaleIsReplacedEvenUnderTheSameEtag() {
        Decision d = RunPlanner.decide(V2, List.of(segment(3, "e2", SegmentState.STALE, 500, true)), false);
        assertEquals(Action.REPLACE, d.action());
        assertEquals(List.of(3L), d.replaces());
        assertEquals(3, d.current().get().id());
    }

    @Test
    void anEarlierVersionWithoutRowsIsForgottenNotReplaced() {
        Decision d = RunPlanner.decide(V2, List.of(segment(5, "e1", SegmentState.LOADING, 0, true)), false);
        assertEquals(Action.LOAD, d.action());
        assertEquals(List.of(5L), d.replaces(), "forgotten in the plan's transaction");
    }

    @Test
    void rowsWithoutProvenanceCannotBeReplacedAndSaySo() {
        var e = assertThrows(RunPlanner.Unreplaceable.class,
                () -> RunPlanner.decide(V2, List.of(segment(2, "e1", SegmentState.LOADED, 10, false)), false));
        assertTrue(e.getMessage().contains("/clear"), e.getMessage());
    }

    @Test
    void theReplaceStrategyLoadsEveryFileAgain() {
        assertEquals(Action.LOAD, RunPlanner.decide(V2, List.of(segment(1, "e2", SegmentState.LOADED, 50, true)), true).action());
    }

    @Test
    void decideAllLooksUpEachPath() {
        SourceFile b = new SourceFile("in/b.csv", 10, "x", Instant.EPOCH);
        List<Decision> all = RunPlanner.decideAll(List.of(V2, b), Map.of("in/a.csv", List.of(segment(1, "e2", SegmentState.LOADED, 5, true))), false);
        assertEquals(List.of(Action.SKIP, Action.LOAD), all.stream().map(Decision::action).toList());
    }

    @Test
    void extraPartitionsCutTheLargestSplittableFilesIntoRangesNoSmallerThanTheMinimum() {
        SourceFile big = new SourceFile("big", 45_000_000, "e", Instant.EPOCH);
        SourceFile small = new SourceFile("small", 1_000, "e", Instant.EPOCH);
        assertArrayEquals(new int[] { 2 }, RunPlanner.pieces(List.of(big), List.of(true), 2, 4 << 20),
                "a 45 MB file on 2 partitions is cut in two");
        assertArrayEquals(new int[] { 1 }, RunPlanner.pieces(List.of(big), List.of(false), 2, 4 << 20),
                "a replacement or a JSONL file is not cut");
        assertArrayEquals(new int[] { 3, 1 }, RunPlanner.pieces(List.of(big, small), List.of(true, true), 4, 4 << 20));
        assertArrayEquals(new int[] { 1 }, RunPlanner.pieces(List.of(small), List.of(true), 4, 4 << 20));
    }

    @Test
    void segmentStatesMoveOnlyForward() {
        assertTrue(SegmentState.LOADING.canBecome(SegmentState.LOADED));
        assertTrue(SegmentState.LOADING.canBecome(SegmentState.STALE));
        assertTrue(SegmentState.LOADING.canBecome(SegmentState.LOADING));
        for (SegmentState s : SegmentState.values()) {
            assertTrue(!SegmentState.LOADED.canBecome(s) && !SegmentState.STALE.canBecome(s), s.toString());
        }
    }
}
