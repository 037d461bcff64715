package io.sluice.platform;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.sluice.api.ApiError;
import io.sluice.api.NamePatterns;
import io.sluice.api.SluiceException;
import io.sluice.pipeline.PipelineService;
import io.sluice.security.Access;
import io.sluice.security.Role;

/**
 * Feldera endpoints for concepts a loader does not have (a SQL circuit, streaming connectors,
 * transactions, Rust compilation, profiles). They answer in Feldera's own "not supported" shape,
 * {@code UnsupportedPipelineAction} with the action and the reason, with 501 as Feldera's
 * open-source edition answers for what it does not implement, so a Feldera client reports a clear
 * error instead of mistaking a 404 for a missing pipeline. An unknown pipeline is still a 404.
 */
@Path("/v0/pipelines/{pipeline_name}")
@Tag(name = "Pipelines")
@Produces(MediaType.APPLICATION_JSON)
public class UnsupportedFelderaResource {
    static final String REASON = "Sluice loads files into PostgreSQL in runs: it has no SQL circuit, streaming "
            + "connectors, transactions or Rust compilation. Follow a load with GET /v0/pipelines/{name}/stats "
            + "or /api/v1/pipelines/{name}/runs";

    @Inject
    PipelineService pipelines;

    @GET
    @Path("/{action: logs|metrics|time_series|time_series_stream|circuit_profile|circuit_json_profile|heap_profile|dataflow_graph|checkpoints|checkpoint_status|completion_status|support_bundle|query|samply_profile}")
    @Access(Role.VIEWER)
    @Operation(summary = "Feldera reads Sluice does not support", description = "Always 501 UnsupportedPipelineAction (404 for an unknown pipeline).")
    @APIResponse(responseCode = "501", description = "UnsupportedPipelineAction", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "UnknownPipelineName", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Void> read(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name, @PathParam("action") String action) {
        return unsupported(name, action);
    }

    @POST
    @Path("/{action: activate|approve|checkpoint|update_runtime|start_transaction|commit_transaction|diff|rebalance|start_compaction|samply_profile|clock/advance|checkpoint/sync|ingress/[^/]+|egress/[^/]+}")
    @Access(Role.EDITOR)
    @Operation(summary = "Feldera actions Sluice does not support", description = "Always 501 UnsupportedPipelineAction (404 for an unknown pipeline).")
    @APIResponse(responseCode = "501", description = "UnsupportedPipelineAction", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "UnknownPipelineName", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Void> act(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name, @PathParam("action") String action) {
        return unsupported(name, action);
    }

    private Uni<Void> unsupported(String name, String action) {
        String shortAction = action.contains("/") && (action.startsWith("ingress/") || action.startsWith("egress/"))
                ? action.substring(0, action.indexOf('/')) : action;
        return pipelines.get(name).map(p -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("action", shortAction);
            details.put("reason", REASON);
            throw new SluiceException(501, "UnsupportedPipelineAction",
                    "Unsupported pipeline action '" + shortAction + "': " + REASON, details);
        });
    }
}
