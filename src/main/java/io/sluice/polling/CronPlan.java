package io.sluice.polling;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The next fire times of a changing set of cron schedules (Quartz syntax, UTC), checked on a timer:
 * a schedule seen for the first time (or changed) waits for its next fire time; a fire time that has
 * come is reported once and the next one planned. Fire times missed while not checking are not made up.
 */
public final class CronPlan<K> {
    private record Next(String schedule, ZonedDateTime at) {
    }

    private final Map<K, Next> next = new ConcurrentHashMap<>();

    /** Plans the {@code active} schedules (key to cron) and returns the keys due at {@code now}. */
    public List<K> due(Map<K, String> active, ZonedDateTime now) {
        next.keySet().retainAll(active.keySet());
        List<K> due = new ArrayList<>();
        active.forEach((key, schedule) -> {
            Next planned = next.get(key);
            boolean fires = planned != null && planned.schedule().equals(schedule) && planned.at() != null
                    && !planned.at().isAfter(now);
            if (planned == null || !planned.schedule().equals(schedule) || fires) {
                next.put(key, new Next(schedule, ScheduledRuns.fireAfter(schedule, now)));
            }
            if (fires) {
                due.add(key);
            }
        });
        return due;
    }

    /**
     * One check of a timer that fires on the leader only: on the leader, reads the {@code active}
     * schedules (key to cron) and fires each key due at {@code now}, one after another; elsewhere,
     * forgets every plan (so that a replica becoming leader starts from the next fire times).
     */
    public Uni<Void> check(boolean leader, ZonedDateTime now, Supplier<Uni<Map<K, String>>> active,
            Function<K, Uni<Void>> fire) {
        if (!leader) {
            clear();
            return Uni.createFrom().voidItem();
        }
        return active.get().chain(schedules -> Multi.createFrom().iterable(due(schedules, now))
                .onItem().transformToUniAndConcatenate(fire::apply).collect().last()).replaceWithVoid();
    }

    /** Forgets every plan (leadership lost). */
    public void clear() {
        next.clear();
    }
}
