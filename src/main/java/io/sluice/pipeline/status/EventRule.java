package io.sluice.pipeline.status;

import java.time.Duration;
import java.time.Instant;

/**
 * The seed's three rules for persisting a monitor event, as a pure function of the last event,
 * the current observation and the time: any status changed; only details changed and 10 s passed
 * since the last event; nothing changed for more than 10 minutes.
 */
public final class EventRule {
    public static final Duration DETAILS_INTERVAL = Duration.ofSeconds(10);
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofMinutes(10);

    private EventRule() {
    }

    public static boolean shouldRecord(StatusSnapshot last, Instant lastAt, StatusSnapshot current, Instant now) {
        if (last == null) {
            return true;
        }
        if (current.statusDiffers(last)) {
            return true;
        }
        Duration since = Duration.between(lastAt, now);
        if (current.detailsDiffer(last)) {
            return since.compareTo(DETAILS_INTERVAL) >= 0;
        }
        return since.compareTo(HEARTBEAT_INTERVAL) > 0;
    }
}
