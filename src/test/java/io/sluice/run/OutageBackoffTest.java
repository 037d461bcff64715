package io.sluice.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class OutageBackoffTest {
    private final AtomicLong now = new AtomicLong();
    private final OutageBackoff backoff = new OutageBackoff(Duration.ofSeconds(60), now::get);

    @Test
    void pausesClimbTheLadderAndStayAtItsTop() {
        for (Duration step : OutageBackoff.LADDER) {
            assertEquals(step, backoff.next());
        }
        assertEquals(Duration.ofSeconds(30), backoff.next());
        assertEquals(Duration.ofSeconds(30), backoff.next());
    }

    @Test
    void givesUpOnceTheOutageLastedTheLimit() {
        assertEquals(Duration.ofSeconds(1), backoff.next());
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertEquals(Duration.ofSeconds(2), backoff.next());
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertNull(backoff.next());
    }

    @Test
    void progressStartsTheNextOutageAtTheBottom() {
        backoff.next();
        backoff.next();
        now.addAndGet(Duration.ofSeconds(120).toNanos());
        backoff.reset();
        assertEquals(Duration.ofSeconds(1), backoff.next(), "a new outage, not the old one's limit");
    }
}
