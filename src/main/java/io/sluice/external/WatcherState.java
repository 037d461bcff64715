package io.sluice.external;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The status of an external table's sync watcher (seed A): {@code IDLE} until the first run,
 * {@code RUNNING} while one goes (counts growing), then {@code COMPLETED} or {@code FAILED} until
 * the next run starts. The transition table is the whole state machine.
 */
public enum WatcherState {
    IDLE, RUNNING, COMPLETED, FAILED;

    private static final Map<WatcherState, Set<WatcherState>> NEXT = Map.of(
            IDLE, EnumSet.of(RUNNING),
            // RUNNING -> RUNNING: progress (filesDiscovered, segmentsGenerated) while the run goes
            RUNNING, EnumSet.of(RUNNING, COMPLETED, FAILED),
            COMPLETED, EnumSet.of(RUNNING),
            FAILED, EnumSet.of(RUNNING));

    public boolean canBecome(WatcherState next) {
        return NEXT.get(this).contains(next);
    }

    /** {@code next}, or IllegalStateException naming the illegal transition. */
    public WatcherState to(WatcherState next) {
        if (!canBecome(next)) {
            throw new IllegalStateException("Watcher status cannot go from " + this + " to " + next);
        }
        return next;
    }
}
