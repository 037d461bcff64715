package io.sluice.run;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * How long to wait before trying again while PostgreSQL is unreachable: a ladder of growing pauses
 * (1, 2, 4, 8, 15 s, then every 30 s), as Airbyte's retries climb theirs, until {@code limit} has
 * passed since the outage began; then {@link #next()} says give up.
 */
final class OutageBackoff {
    static final List<Duration> LADDER = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
            Duration.ofSeconds(8), Duration.ofSeconds(15), Duration.ofSeconds(30));

    private final Duration limit;
    private final java.util.function.LongSupplier nanos;
    private long began = -1;
    private int step;

    OutageBackoff(Duration limit) {
        this(limit, System::nanoTime);
    }

    OutageBackoff(Duration limit, java.util.function.LongSupplier nanos) {
        this.limit = limit;
        this.nanos = nanos;
    }

    /** The pause before the next try, or null once the outage lasted longer than the limit. */
    Duration next() {
        long now = nanos.getAsLong();
        if (began < 0) {
            began = now;
        }
        if (Duration.ofNanos(now - began).compareTo(limit) >= 0) {
            return null;
        }
        Duration wait = LADDER.get(Math.min(step, LADDER.size() - 1));
        step++;
        return wait;
    }

    /** The work got on: a later outage starts at the first step again. */
    void reset() {
        began = -1;
        step = 0;
    }

    /** Sleeps {@code wait}, waking early (false) when {@code stop} becomes true. */
    boolean sleep(Duration wait, BooleanSupplier stop) {
        long end = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < end) {
                if (stop.getAsBoolean()) {
                    return false;
                }
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !stop.getAsBoolean();
    }
}
