package io.sluice.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The run status machine, transition by transition (seed C: pending -> running -> a final status). */
class RunStatusTest {
    private static final Map<RunStatus, Set<RunStatus>> ALLOWED = Map.of(
            RunStatus.PENDING, EnumSet.of(RunStatus.RUNNING, RunStatus.FAILED),
            RunStatus.RUNNING, EnumSet.of(RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_ERRORS, RunStatus.FAILED),
            RunStatus.COMPLETED, EnumSet.noneOf(RunStatus.class),
            RunStatus.FAILED, EnumSet.noneOf(RunStatus.class),
            RunStatus.COMPLETED_WITH_ERRORS, EnumSet.noneOf(RunStatus.class));

    @Test
    void everyTransition() {
        for (RunStatus from : RunStatus.values()) {
            for (RunStatus to : RunStatus.values()) {
                assertEquals(ALLOWED.get(from).contains(to), from.canBecome(to), from + " -> " + to);
            }
            assertEquals(ALLOWED.get(from).isEmpty(), from.isFinished(), from + " finished");
        }
    }

    @Test
    void onlyFailedRunsAndRunsWithErrorsAreRetryable() {
        for (RunStatus s : RunStatus.values()) {
            assertEquals(s == RunStatus.FAILED || s == RunStatus.COMPLETED_WITH_ERRORS, s.isRetryable(), s.toString());
        }
    }
}
