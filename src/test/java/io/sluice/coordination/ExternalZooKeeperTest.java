package io.sluice.coordination;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With {@code sluice.zookeeper.connect} set, Sluice uses that ensemble (here a separate server with
 * a chroot) and starts no server of its own; readiness follows the connection.
 */
@QuarkusTest
@TestProfile(ExternalZooKeeperTest.External.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(60)
class ExternalZooKeeperTest {
    static final String CHROOT = "/sluice-external";

    @Inject
    Coordination coordination;
    @Inject
    Leadership leadership;
    @Inject
    ZkStore store;

    @Test
    @Order(1)
    void usesTheConfiguredEnsembleWithItsChroot() throws Exception {
        String expected = Server.instance.connectString() + CHROOT;
        assertFalse(coordination.embedded());
        assertEquals(expected, coordination.connectString().orElseThrow());
        Waiting.until(Duration.ofSeconds(2), "leadership", leadership::isLeader);

        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("checks.find { it.name == 'zookeeper' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'zookeeper' }.data.connectString", equalTo(expected))
                .body("checks.find { it.name == 'zookeeper' }.data.embedded", equalTo(false))
                .body("checks.find { it.name == 'zookeeper' }.data.leader", equalTo(true));

        store.write(ZkStore.watcherStatusPath("orders_OFFLINE"), "{}".getBytes(UTF_8)).await().atMost(Duration.ofSeconds(20));
        try (CuratorFramework direct = EmbeddedZooKeeperTest.connect(Server.instance)) {
            assertArrayEquals("{}".getBytes(UTF_8),
                    direct.getData().forPath(CHROOT + "/EXTERNAL_TABLE_WATCHER_STATUS/orders_OFFLINE"));
            assertEquals(1, direct.getChildren().forPath(CHROOT + Leadership.LATCH_PATH).size());
        }
        assertFalse(Files.exists(Server.dataDir.resolve("zookeeper")), "no embedded server was started");
    }

    @Test
    @Order(2)
    void notReadyAndNotLeaderWithoutZooKeeper() throws Exception {
        Server.instance.close();
        Waiting.until(Duration.ofSeconds(10), "disconnected", () -> !coordination.isConnected());
        Waiting.until(Duration.ofSeconds(10), "leadership given up", () -> !leadership.isLeader());

        given().when().get("/q/health/ready")
                .then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'zookeeper' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'zookeeper' }.data.leader", equalTo(false))
                .body("checks.find { it.name == '" + ReadinessTest.POSTGRES_CHECK + "' }.status", equalTo("UP"));
        given().when().get("/q/health/live").then().statusCode(200);
        // Feldera's cluster health from the same checks: the runner needs ZooKeeper, the API does not
        io.sluice.TestAuth.asAdmin().get("/v0/cluster_healthz")
                .then().statusCode(503)
                .body("all_healthy", equalTo(false))
                .body("runner.healthy", equalTo(false))
                .body("runner.message", org.hamcrest.Matchers.containsString("zookeeper: DOWN"))
                .body("api.healthy", equalTo(true))
                .body("compiler.healthy", equalTo(true));
    }

    public static class External implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Server.class));
        }
    }

    /** A ZooKeeper server that is not Sluice's own: started in its own directory before the application. */
    public static class Server implements QuarkusTestResourceLifecycleManager {
        static EmbeddedZooKeeper instance;
        static Path dataDir;

        @Override
        public Map<String, String> start() {
            try {
                Path base = Files.createDirectories(Path.of("target"));
                instance = EmbeddedZooKeeper.start(Files.createTempDirectory(base, "external-zookeeper-"));
                // A data directory of its own shows whether Sluice started a server there.
                dataDir = Files.createTempDirectory(base, "external-zk-sluice-data-");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            assertTrue(instance.port() > 0);
            return Map.of(
                    "sluice.zookeeper.connect", instance.connectString() + CHROOT,
                    "sluice.data-dir", dataDir.toString());
        }

        @Override
        public void stop() {
            if (instance != null) {
                instance.close();
            }
        }
    }
}
