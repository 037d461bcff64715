package io.sluice.platform;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import io.sluice.coordination.ZooKeeperHealthCheck;
import io.sluice.security.Access;
import io.sluice.security.Role;

/**
 * Feldera's {@code GET /v0/cluster_healthz} from the checks of {@code /q/health/ready} (PostgreSQL,
 * ZooKeeper), run at each call. Feldera's three services map onto what each part of Sluice needs:
 * {@code api} and {@code compiler} (in the service itself; pipelines, keys and compiled programs
 * live in PostgreSQL) every check but ZooKeeper's, {@code runner} (the reconciler and the runs,
 * which need the leader elected through ZooKeeper) every check. {@code unchanged_since} is when
 * this replica last saw the service's verdict change, or first checked it.
 */
@Path("/v0/cluster_healthz")
@Tag(name = "Platform")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterHealthResource {
    @Inject
    SmallRyeHealthReporter health;
    @Inject
    InstantSource clock;

    private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();

    private record Verdict(boolean healthy, Instant since) {
    }

    @Schema(name = "ServiceStatus", description = "Health of a single service, from this replica's readiness checks.")
    public record ServiceStatus(
            @Schema(required = true, description = "Whether the service passed its most recent health check.") boolean healthy,
            @Schema(required = true, description = "The checks the service depends on and their status.") String message,
            @JsonProperty("unchanged_since") @Schema(required = true, description = "When this replica last saw the verdict change (or first checked).") Instant unchangedSince,
            @JsonProperty("checked_at") @Schema(required = true, description = "When the checks ran.") Instant checkedAt) {
    }

    @Schema(name = "HealthStatus", description = "Health of the cluster as a whole and of each of its services.")
    public record HealthStatus(
            @JsonProperty("all_healthy") @Schema(required = true, description = "Whether every service is healthy.") boolean allHealthy,
            @Schema(required = true) ServiceStatus api,
            @Schema(required = true) ServiceStatus compiler,
            @Schema(required = true) ServiceStatus runner) {
    }

    private record Check(String name, boolean up) {
    }

    @GET
    @Access(Role.VIEWER)
    @Operation(summary = "Check Cluster Health", description = "The readiness checks of /q/health/ready (PostgreSQL, ZooKeeper) "
            + "as Feldera's HealthStatus: api and compiler need PostgreSQL, runner needs PostgreSQL and ZooKeeper.")
    @APIResponse(responseCode = "200", description = "All services healthy", content = @Content(schema = @Schema(implementation = HealthStatus.class)))
    @APIResponse(responseCode = "503", description = "One or more services unhealthy", content = @Content(schema = @Schema(implementation = HealthStatus.class)))
    public Uni<Response> health() {
        return health.getReadinessAsync().map(readiness -> {
            List<Check> checks = checks(readiness.getPayload());
            Instant now = clock.instant();
            Predicate<Check> notZooKeeper = c -> !ZooKeeperHealthCheck.NAME.equals(c.name());
            ServiceStatus api = service("api", checks, notZooKeeper, now);
            ServiceStatus compiler = service("compiler", checks, notZooKeeper, now);
            ServiceStatus runner = service("runner", checks, c -> true, now);
            boolean all = api.healthy() && compiler.healthy() && runner.healthy() && !readiness.isDown();
            return Response.status(all ? 200 : 503).entity(new HealthStatus(all, api, compiler, runner)).build();
        });
    }

    private static List<Check> checks(JsonObject payload) {
        return payload.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .map(c -> new Check(c.getString("name"), "UP".equals(c.getString("status", "DOWN"))))
                .toList();
    }

    private ServiceStatus service(String service, List<Check> checks, Predicate<Check> needs, Instant now) {
        List<Check> needed = checks.stream().filter(needs).toList();
        boolean healthy = needed.stream().allMatch(Check::up);
        Verdict verdict = verdicts.compute(service, (name, last) -> last != null && last.healthy() == healthy
                ? last : new Verdict(healthy, now));
        String message = needed.isEmpty() ? "No readiness checks"
                : needed.stream().map(c -> c.name() + ": " + (c.up() ? "UP" : "DOWN")).collect(Collectors.joining(", "));
        return new ServiceStatus(healthy, message, verdict.since(), now);
    }
}
