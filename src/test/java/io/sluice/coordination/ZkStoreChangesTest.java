package io.sluice.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.junit.QuarkusTest;

/** {@link ZkStore#changes}: what a long-poll on watcher status waits for. */
@QuarkusTest
@Timeout(60)
class ZkStoreChangesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    ZkStore store;

    @Test
    void announcesEachCreationChangeAndDeletionUntilCancelled() throws Exception {
        String path = "/sluice-test/" + UUID.randomUUID() + "/EXTERNAL_TABLE_WATCHER_STATUS/t_OFFLINE";
        LinkedBlockingQueue<Long> seen = new LinkedBlockingQueue<>();
        var subscription = store.changes(path).subscribe().with(p -> seen.add(System.nanoTime()));
        // The watch is set in the background: write until it reports, then measure the next writes.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.poll(200, TimeUnit.MILLISECONDS) == null) {
            assertTrue(System.nanoTime() < deadline, "no watch set within 10 s");
            store.write(path, "create".getBytes(StandardCharsets.UTF_8)).await().atMost(WAIT);
        }
        seen.clear();
        for (String step : new String[] { "change", "change again" }) {
            long written = System.nanoTime();
            store.write(path, step.getBytes(StandardCharsets.UTF_8)).await().atMost(WAIT);
            Long at = seen.poll(10, TimeUnit.SECONDS);
            assertTrue(at != null, "no change seen after: " + step);
            assertTrue((at - written) / 1_000_000 < 1000, step + " seen after " + (at - written) / 1_000_000 + " ms");
        }
        store.delete(path).await().atMost(WAIT);
        assertTrue(seen.poll(10, TimeUnit.SECONDS) != null, "deletion seen");
        subscription.cancel();
        store.write(path, "after".getBytes(StandardCharsets.UTF_8)).await().atMost(WAIT);
        assertEquals(null, seen.poll(500, TimeUnit.MILLISECONDS), "nothing after cancelling");
    }
}
