package io.sluice.external;

import static io.sluice.external.WatcherState.COMPLETED;
import static io.sluice.external.WatcherState.FAILED;
import static io.sluice.external.WatcherState.IDLE;
import static io.sluice.external.WatcherState.RUNNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The watcher status state machine, transition by transition, and the documents each state carries. */
class WatcherStateTest {
    /** Every allowed transition; everything else is refused. */
    private static final Map<WatcherState, Set<WatcherState>> ALLOWED = Map.of(
            IDLE, EnumSet.of(RUNNING),
            RUNNING, EnumSet.of(RUNNING, COMPLETED, FAILED),
            COMPLETED, EnumSet.of(RUNNING),
            FAILED, EnumSet.of(RUNNING));

    @Test
    void everyPairOfStatesIsAllowedOrRefusedAsTheTableSays() {
        for (WatcherState from : WatcherState.values()) {
            for (WatcherState to : WatcherState.values()) {
                boolean allowed = ALLOWED.get(from).contains(to);
                assertEquals(allowed, from.canBecome(to), from + " -> " + to);
                if (allowed) {
                    assertEquals(to, from.to(to));
                } else {
                    IllegalStateException e = assertThrows(IllegalStateException.class, () -> from.to(to));
                    assertEquals("Watcher status cannot go from " + from + " to " + to, e.getMessage());
                }
            }
        }
    }

    @Test
    void aRunGoesFromIdleThroughRunningToCompletedWithItsCheckpoint() {
        WatcherStatus idle = WatcherStatus.idle("orders_OFFLINE");
        assertEquals(new WatcherStatus("orders_OFFLINE", IDLE, 0, 0, 0, 0, null, null), idle);
        WatcherStatus running = idle.restart(1000, 0);
        assertEquals(RUNNING, running.status());
        assertEquals(1000, running.startTimeMs());
        assertEquals(0, running.endTimeMs());
        WatcherStatus discovered = WatcherStatus.running("orders_OFFLINE", 1000, 15).progress(3);
        assertEquals(15, discovered.filesDiscovered());
        assertEquals(3, discovered.segmentsGenerated());
        WatcherStatus done = discovered.completed(2000, 15, "1234567890123456789");
        assertEquals(new WatcherStatus("orders_OFFLINE", COMPLETED, 1000, 2000, 15, 15, null, "1234567890123456789"), done);
        assertThrows(IllegalStateException.class, () -> done.progress(1));
        assertEquals(RUNNING, done.restart(3000, 0).status());
    }

    @Test
    void aFailedRunKeepsHowFarItGotAndNoCheckpoint() {
        WatcherStatus failed = WatcherStatus.running("t_OFFLINE", 1000, 10).progress(5).failed(1500, 5, "Failed to upload segment");
        assertEquals(FAILED, failed.status());
        assertEquals(10, failed.filesDiscovered());
        assertEquals(5, failed.segmentsGenerated());
        assertEquals("Failed to upload segment", failed.errorMessage());
        assertNull(failed.checkpointValue());
        assertThrows(IllegalStateException.class, () -> failed.completed(2000, 10, "1"));
        assertThrows(IllegalStateException.class, () -> WatcherStatus.idle("t_OFFLINE").completed(1, 0, null));
    }
}
