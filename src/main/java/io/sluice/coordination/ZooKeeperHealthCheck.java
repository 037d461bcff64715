package io.sluice.coordination;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@code zookeeper}: UP while the ZooKeeper client is connected. Its data show the
 * connect string, whether the server is the embedded one, and whether this replica leads. Reads
 * in-memory state only; never calls ZooKeeper.
 */
@Readiness
@ApplicationScoped
public class ZooKeeperHealthCheck implements HealthCheck {
    public static final String NAME = "zookeeper";

    @Inject
    Coordination coordination;
    @Inject
    Leadership leadership;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .status(coordination.isConnected())
                .withData("connectString", coordination.connectString().orElse("(not started)"))
                .withData("embedded", coordination.embedded())
                .withData("leader", leadership.isLeader());
        return response.build();
    }
}
