package io.sluice.coordination;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

@QuarkusTest
@Timeout(60)
class ZkStoreTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    ZkStore store;
    @Inject
    Vertx vertx;

    /** A fresh subtree per test: the embedded ZooKeeper keeps its data across test runs. */
    private final String root = "/sluice-test/" + UUID.randomUUID();

    @Test
    void roundTripOverwriteDeleteAndMissing() {
        String path = root + "/EXTERNAL_TABLE_WATCHER_STATUS/orders_OFFLINE";
        assertEquals(Optional.empty(), read(path), "missing node");

        store.write(path, json("{\"status\":\"IDLE\"}")).await().atMost(WAIT);
        assertArrayEquals(json("{\"status\":\"IDLE\"}"), read(path).orElseThrow());

        store.write(path, json("{\"status\":\"RUNNING\",\"filesDiscovered\":3}")).await().atMost(WAIT);
        assertArrayEquals(json("{\"status\":\"RUNNING\",\"filesDiscovered\":3}"), read(path).orElseThrow(),
                "overwritten");

        store.write(path, new byte[0]).await().atMost(WAIT);
        assertArrayEquals(new byte[0], read(path).orElseThrow(), "an empty node is not a missing one");

        store.delete(path).await().atMost(WAIT);
        assertEquals(Optional.empty(), read(path), "deleted");
        store.delete(path).await().atMost(WAIT);
        store.delete(root + "/never/existed").await().atMost(WAIT);
    }

    @Test
    void childrenAndSubtreeDelete() {
        store.write(root + "/t/b_OFFLINE", json("2")).await().atMost(WAIT);
        store.write(root + "/t/a_OFFLINE", json("1")).await().atMost(WAIT);
        store.write(root + "/t/a_OFFLINE/nested", json("3")).await().atMost(WAIT);
        assertEquals(List.of("a_OFFLINE", "b_OFFLINE"), store.children(root + "/t").await().atMost(WAIT));
        assertEquals(List.of(), store.children(root + "/none").await().atMost(WAIT));

        store.delete(root + "/t").await().atMost(WAIT);
        assertEquals(Optional.empty(), read(root + "/t/a_OFFLINE/nested"));
        assertEquals(Optional.empty(), read(root + "/t"));
    }

    @Inject
    Coordination coordination;

    @Test
    void aClaimIsHeldOnceReleasedOnlyByItsHolderAndFreedWithItsSession() throws Exception {
        String path = root + "/SLUICE_EXTERNAL_TABLE_SYNC/orders_OFFLINE";
        assertTrue(store.claim(path, json("mine")).await().atMost(WAIT));
        assertEquals(false, store.claim(path, json("yours")).await().atMost(WAIT), "held");
        store.release(path, json("yours")).await().atMost(WAIT);
        assertArrayEquals(json("mine"), read(path).orElseThrow(), "only the holder's release deletes it");
        store.release(path, json("mine")).await().atMost(WAIT);
        assertEquals(Optional.empty(), read(path));
        store.release(path, json("mine")).await().atMost(WAIT);

        // another replica (its own session) claims it and goes away: the claim goes with it
        try (var other = org.apache.curator.framework.CuratorFrameworkFactory.newClient(
                coordination.connectString().orElseThrow(), new org.apache.curator.retry.RetryOneTime(100))) {
            other.start();
            assertTrue(other.blockUntilConnected(20, TimeUnit.SECONDS));
            other.create().withMode(org.apache.zookeeper.CreateMode.EPHEMERAL).forPath(path, json("theirs"));
            assertEquals(false, store.claim(path, json("mine")).await().atMost(WAIT));
        }
        assertTrue(store.claim(path, json("mine")).await().atMost(WAIT), "free once the other session closed");
        store.release(path, json("mine")).await().atMost(WAIT);
    }

    @Test
    void invalidPathsFailTheUni() {
        for (String bad : new String[] { "relative", "/trailing/", "/double//slash", "/dot/./x", "" }) {
            assertThrows(IllegalArgumentException.class, () -> store.read(bad).await().atMost(WAIT), bad);
            assertThrows(IllegalArgumentException.class, () -> store.write(bad, json("1")).await().atMost(WAIT), bad);
            assertThrows(IllegalArgumentException.class, () -> store.delete(bad).await().atMost(WAIT), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> store.write(root + "/x", null).await().atMost(WAIT));
    }

    @Test
    void tablePaths() {
        assertEquals("/EXTERNAL_TABLE_WATCHER_STATUS/orders_OFFLINE", ZkStore.watcherStatusPath("orders_OFFLINE"));
        assertEquals("/EXTERNAL_TABLE_CHECKPOINT/orders_OFFLINE", ZkStore.checkpointPath("orders_OFFLINE"));
        for (String bad : new String[] { "", "a/b", ".", "..", "x\u0000y" }) {
            assertThrows(IllegalArgumentException.class, () -> ZkStore.watcherStatusPath(bad), bad);
        }
    }

    @Test
    void callersOnAnEventLoopAreNeitherBlockedNorLeft() throws Exception {
        String path = root + "/context";
        store.write(path, json("\"v\"")).await().atMost(WAIT);
        Context context = vertx.getOrCreateContext();
        CompletableFuture<String> seen = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            Thread eventLoop = Thread.currentThread();
            store.read(path).subscribe().with(item -> {
                boolean sameContext = Vertx.currentContext() == context && Thread.currentThread() == eventLoop;
                seen.complete(sameContext + ":" + new String(item.orElseThrow(), UTF_8));
            }, seen::completeExceptionally);
            if (seen.isDone()) {
                seen.completeExceptionally(new AssertionError("the ZooKeeper call ran on the event loop"));
            }
        });
        assertEquals("true:\"v\"", seen.get(20, TimeUnit.SECONDS));
    }

    @Test
    void nothingHappensUntilSubscribed() {
        String path = root + "/lazy";
        var write = store.write(path, json("1"));
        assertEquals(Optional.empty(), read(path));
        write.await().atMost(WAIT);
        assertTrue(read(path).isPresent());
    }

    private Optional<byte[]> read(String path) {
        return store.read(path).await().atMost(WAIT);
    }

    private static byte[] json(String text) {
        return text.getBytes(UTF_8);
    }
}
