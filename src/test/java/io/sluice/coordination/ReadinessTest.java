package io.sluice.coordination;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.utils.CloseableUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@Timeout(60)
class ReadinessTest {
    /** The name the reactive PostgreSQL client gives its readiness check. */
    static final String POSTGRES_CHECK = "Reactive PostgreSQL connections health check";

    @Inject
    Leadership leadership;
    @Inject
    Coordination coordination;

    @Test
    void readyWithZooKeeperAndPostgreSqlChecks() throws Exception {
        // A single replica leads within a second or two of start-up.
        Waiting.until(Duration.ofSeconds(2), "leadership", leadership::isLeader);

        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems(ZooKeeperHealthCheck.NAME, POSTGRES_CHECK))
                .body("checks.find { it.name == 'zookeeper' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'zookeeper' }.data.connectString",
                        matchesPattern("127\\.0\\.0\\.1:\\d+"))
                .body("checks.find { it.name == 'zookeeper' }.data.embedded", equalTo(true))
                .body("checks.find { it.name == 'zookeeper' }.data.leader", equalTo(true))
                .body("checks.find { it.name == '" + POSTGRES_CHECK + "' }.status", equalTo("UP"));
    }

    @Test
    void livenessStaysSimple() {
        given().when().get("/q/health/live")
                .then().statusCode(200)
                .body("status", equalTo("UP"));
    }

    @Test
    void aSecondReplicaFollowsTheRunningOne() throws Exception {
        Waiting.until(Duration.ofSeconds(2), "leadership", leadership::isLeader);
        CuratorFramework other = CuratorFrameworkFactory.newClient(coordination.connectString().orElseThrow(),
                6_000, 5_000, new RetryOneTime(100));
        other.start();
        LeaderLatch latch = new LeaderLatch(other, Leadership.LATCH_PATH, "second-replica");
        try {
            assertTrue(other.blockUntilConnected(10, TimeUnit.SECONDS));
            latch.start();
            Waiting.until(Duration.ofSeconds(5), "second participant registered",
                    () -> latch.getOurPath() != null);
            assertFalse(latch.await(200, TimeUnit.MILLISECONDS), "the running replica keeps leading");
            assertEquals(leadership.participantId(), latch.getLeader().getId());
            assertEquals(2, latch.getParticipants().size());
            assertTrue(leadership.isLeader());
        } finally {
            CloseableUtils.closeQuietly(latch);
            CloseableUtils.closeQuietly(other);
        }
    }
}
