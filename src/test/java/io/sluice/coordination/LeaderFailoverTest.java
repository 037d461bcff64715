package io.sluice.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.utils.CloseableUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two replicas' Curator clients elect one leader on the embedded server; when it goes, the other leads. */
@Timeout(60)
class LeaderFailoverTest {
    @TempDir
    Path dir;

    @Test
    void theOtherReplicaTakesOverWhenTheLeaderCloses() throws Exception {
        try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(dir)) {
            CuratorFramework clientA = EmbeddedZooKeeperTest.connect(server);
            CuratorFramework clientB = EmbeddedZooKeeperTest.connect(server);
            CountDownLatch someoneLeads = new CountDownLatch(1);
            Replica a = new Replica(clientA, "a", someoneLeads);
            Replica b = new Replica(clientB, "b", someoneLeads);
            try {
                a.latch.start();
                b.latch.start();
                assertTrue(someoneLeads.await(5, TimeUnit.SECONDS), "someone leads");
                Replica leader = a.latch.hasLeadership() ? a : b;
                Replica follower = leader == a ? b : a;
                assertTrue(leader.latch.hasLeadership());
                assertFalse(follower.latch.hasLeadership(), "exactly one leader");
                assertEquals(leader.latch.getId(), follower.latch.getLeader().getId(), "both see the same leader");

                long closed = System.nanoTime();
                // The leading replica goes away: its client closes (and with it its session), latch and all.
                CloseableUtils.closeQuietly(leader.client);

                assertTrue(follower.gained.await(5, TimeUnit.SECONDS), "the follower took over");
                long tookMs = (System.nanoTime() - closed) / 1_000_000;
                assertTrue(follower.latch.hasLeadership());
                assertTrue(tookMs < 2_000, "failover took " + tookMs + " ms");
                assertNotEquals(leader.latch.getId(), follower.latch.getId());
            } finally {
                a.leave();
                b.leave();
                CloseableUtils.closeQuietly(clientA);
                CloseableUtils.closeQuietly(clientB);
            }
        }
    }

    private static final class Replica {
        final CuratorFramework client;
        final LeaderLatch latch;
        final CountDownLatch gained = new CountDownLatch(1);

        Replica(CuratorFramework client, String id, CountDownLatch someoneLeads) {
            this.client = client;
            this.latch = new LeaderLatch(client, Leadership.LATCH_PATH, id);
            latch.addListener(new LeaderLatchListener() {
                @Override
                public void isLeader() {
                    gained.countDown();
                    someoneLeads.countDown();
                }

                @Override
                public void notLeader() {
                }
            });
        }

        /** Cleanup: leaves the election if still in it (a latch whose client closed cannot). */
        void leave() {
            if (latch.getState() == LeaderLatch.State.STARTED && client.getState() == CuratorFrameworkState.STARTED) {
                CloseableUtils.closeQuietly(latch);
            }
        }
    }
}
