package io.sluice.polling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/** The fire times a leader's 1-second timer reports (pipeline schedules and external table syncs share them). */
class CronPlanTest {
    private static final ZonedDateTime T0 = ZonedDateTime.of(2026, 11, 22, 10, 0, 0, 0, ZoneOffset.UTC);
    private static final String EVERY_MINUTE = "0 * * * * ?";

    private final CronPlan<String> plan = new CronPlan<>();
    private final List<String> fired = new ArrayList<>();

    private void check(boolean leader, ZonedDateTime now, Map<String, String> active) {
        plan.check(leader, now, () -> Uni.createFrom().item(active), key -> {
            fired.add(key);
            return Uni.createFrom().voidItem();
        }).await().indefinitely();
    }

    @Test
    void aScheduleFiresAtEachFireTimeOnceAndNotWhenFirstSeen() {
        Map<String, String> active = Map.of("a", EVERY_MINUTE);
        check(true, T0.plusSeconds(10), active);
        assertEquals(List.of(), fired, "first seen: waits for its next fire time (10:01)");
        check(true, T0.plusSeconds(59), active);
        assertEquals(List.of(), fired);
        check(true, T0.plusSeconds(60), active);
        check(true, T0.plusSeconds(61), active);
        assertEquals(List.of("a"), fired, "fired once at 10:01");
        check(true, T0.plusMinutes(5).plusSeconds(1), active);
        assertEquals(List.of("a", "a"), fired, "missed fire times are not made up: once more");
    }

    @Test
    void aChangedOrInactiveScheduleIsPlannedAnew() {
        check(true, T0.plusSeconds(10), Map.of("a", EVERY_MINUTE));
        check(true, T0.plusSeconds(30), Map.of("a", "0 0 * * * ?"));
        check(true, T0.plusSeconds(61), Map.of("a", "0 0 * * * ?"));
        assertEquals(List.of(), fired, "changed to hourly at 10:00:30: next fire 11:00");
        check(true, T0.plusSeconds(70), Map.of());
        check(true, T0.plusHours(1).plusSeconds(1), Map.of("a", "0 0 * * * ?"));
        assertEquals(List.of(), fired, "inactive for a while: seen anew, waits for 12:00");
    }

    @Test
    void onlyTheLeaderFiresAndANewLeaderStartsFromTheNextFireTime() {
        Map<String, String> active = Map.of("a", EVERY_MINUTE, "b", EVERY_MINUTE);
        check(true, T0.plusSeconds(10), active);
        check(false, T0.plusSeconds(30), active);
        check(true, T0.plusSeconds(61), active);
        assertEquals(List.of(), fired, "leadership lost and regained: plans forgotten, next fire 10:02");
        check(false, T0.plusSeconds(121), active);
        assertEquals(List.of(), fired, "not the leader: nothing fires");
        check(true, T0.plusSeconds(122), active);
        check(true, T0.plusSeconds(180), active);
        assertEquals(List.of("a", "b"), fired.stream().sorted().toList());
    }
}
