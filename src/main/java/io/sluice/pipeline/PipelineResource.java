package io.sluice.pipeline;

import java.net.URI;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.api.ApiError;
import io.sluice.api.NamePatterns;
import io.sluice.live.ChangeFeed;
import io.sluice.live.LiveReads;
import io.sluice.api.RequestBodies;
import io.sluice.api.SluiceException;
import io.sluice.pipeline.spec.PipelinePatch;
import io.sluice.pipeline.spec.PipelineRequest;
import io.sluice.pipeline.status.RuntimeDesiredStatus;
import io.sluice.security.Access;
import io.sluice.security.Role;

/** The /v0 lifecycle face: pipeline declarations and desired-status requests. */
@Path("/v0/pipelines")
@Tag(name = "Pipelines")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PipelineResource {
    @Inject
    PipelineService service;
    @Inject
    PipelineJson json;
    @Inject
    PipelineViews views;
    @Inject
    PipelineStatusReads statusReads;
    @Inject
    PipelineStatusCache statusCache;
    @Inject
    PipelineStats stats;
    @Inject
    LiveReads live;
    @Inject
    ChangeFeed changes;

    @GET
    @Access(Role.VIEWER)
    @Operation(summary = "List pipelines", description = "Pipelines by name; selector=status returns only the status fields, "
            + "status_with_connectors adds connectors.num_errors (rows the current or last run refused).")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = PipelineView.class, type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY)))
    public Uni<List<?>> list(@QueryParam("selector") @Parameter(schema = @Schema(enumeration = { "all", "status", "status_with_connectors" }))
            @Pattern(regexp = SELECTOR, message = SELECTOR_MESSAGE) String selector) {
        PipelineSelector chosen = selector(selector, PipelineSelector.all);
        if (chosen == PipelineSelector.status_with_connectors) {
            return statusReads.list().chain(all -> Multi.createFrom().iterable(all)
                    .onItem().transformToUniAndConcatenate(this::withConnectors).collect().asList());
        }
        if (chosen.statusOnly()) {
            return statusReads.list().map(all -> all);
        }
        return service.list().map(all -> all.stream().map(views::full).toList());
    }

    @POST
    @Access(Role.EDITOR)
    @Operation(summary = "Create a pipeline (name in the body)")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = PipelineView.class)))
    @APIResponse(responseCode = "409", description = "Name taken", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Response> create(@Valid PipelineRequest request) {
        return service.create(RequestBodies.require(request)).map(p -> created(p));
    }

    @GET
    @Path("/{pipeline_name}")
    @Access(Role.VIEWER)
    @Operation(summary = "Get a pipeline", description = "Configure which fields are included using the selector query parameter. "
            + "Answers carry an ETag; with If-None-Match the answer is 304 while it still holds, and with ?wait= "
            + "(e.g. 30s) it waits for the pipeline to change (200) or for the time to pass (304).")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = PipelineView.class)))
    @APIResponse(responseCode = "304", description = "Unchanged: the client's ETag still holds")
    @APIResponse(responseCode = "404", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Response> get(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name,
            @QueryParam("selector") @Parameter(schema = @Schema(enumeration = { "all", "status", "status_with_connectors" }))
            @Pattern(regexp = SELECTOR, message = SELECTOR_MESSAGE) String selector,
            @HeaderParam("If-None-Match") String ifNoneMatch,
            @QueryParam("wait") @Parameter(description = "Long-poll: how long to wait for a change of the If-None-Match ETag, e.g. 30s (at most sluice.live.max-wait)") String wait) {
        var request = live.request(ifNoneMatch, wait);
        // Drop the cached status first: this notification may arrive before the cache's own.
        var changed = changes.changes(ChangeFeed.PIPELINE, name).invoke(() -> statusCache.invalidate(name));
        PipelineSelector chosen = selector(selector, PipelineSelector.all);
        if (chosen == PipelineSelector.status_with_connectors) {
            // The re-check timer also catches a run's refused rows, which change no pipeline row.
            return live.respond(request, changed, live.recheck(),
                    () -> statusReads.get(name).chain(this::withConnectors).map(v -> live.snapshot(v)));
        }
        if (chosen.statusOnly()) {
            return live.respond(request, changed, live.recheck(), () -> statusReads.get(name).map(v -> live.snapshot(v)));
        }
        return live.respond(request, changed, live.recheck(), () -> service.get(name).map(p -> live.snapshot(views.full(p))));
    }

    @PUT
    @Path("/{pipeline_name}")
    @Access(Role.EDITOR)
    @Operation(summary = "Create (201) or fully replace (200) a pipeline; replacing needs it Stopped")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = PipelineView.class)))
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = PipelineView.class)))
    @APIResponse(responseCode = "400", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Response> put(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.NEW_PIPELINE, message = NamePatterns.NEW_PIPELINE_MESSAGE) String name,
            @Valid PipelineRequest request) {
        return written(name, service.put(name, RequestBodies.require(request))).map(saved -> saved.created()
                ? created(saved.pipeline())
                : Response.ok(views.full(saved.pipeline())).build());
    }

    @PATCH
    @Path("/{pipeline_name}")
    @Access(Role.EDITOR)
    @Operation(summary = "Change some fields of a Stopped pipeline (a new name renames it)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = PipelineView.class)))
    @APIResponse(responseCode = "409", description = "The new name is taken (DuplicateName)", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<PipelineView> patch(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name,
            @Valid PipelinePatch patch) {
        return written(name, service.patch(name, RequestBodies.require(patch)))
                .invoke(p -> statusCache.invalidate(p.name)).map(views::full);
    }

    @DELETE
    @Path("/{pipeline_name}")
    @Access(Role.EDITOR)
    @Operation(summary = "Delete a Stopped pipeline whose storage is Cleared")
    @APIResponse(responseCode = "204")
    public Uni<Response> delete(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name) {
        return written(name, service.delete(name)).replaceWith(Response.noContent().build());
    }

    @POST
    @Path("/{pipeline_name}/start")
    @Access(Role.EDITOR)
    @Operation(summary = "Set the desired status to Provisioned (runtime running, or paused with initial=paused)")
    @APIResponse(responseCode = "202")
    public Uni<Response> start(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name,
            @QueryParam("initial") @Parameter(schema = @Schema(enumeration = { "running", "paused" }))
            @Pattern(regexp = "^(running|paused)$", message = "must be 'running' or 'paused'") String initial,
            @QueryParam("dismiss_error") @DefaultValue("true") @Parameter(description = "false: refuse to start while a deployment error is present (Feldera)") boolean dismissError) {
        return accepted(written(name, service.start(name, initial, dismissError)));
    }

    @POST
    @Path("/{pipeline_name}/dismiss_error")
    @Access(Role.EDITOR)
    @Operation(summary = "Dismiss the pipeline's deployment error", description = "Clears deployment_error; refused while an error is present and the pipeline is not fully Stopped.")
    @APIResponse(responseCode = "200", description = "Deployment error has been dismissed")
    @APIResponse(responseCode = "400", description = "IllegalPipelineAction", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "UnknownPipelineName", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Response> dismissError(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name) {
        return written(name, service.dismissError(name)).replaceWith(Response.ok().build());
    }

    @GET
    @Path("/{pipeline_name}/stats")
    @Access(Role.VIEWER)
    @Operation(summary = "Pipeline statistics (Feldera's shape) of the current or last run",
            description = "global_metrics.pipeline_complete is true once no run is pending or running.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = PipelineStats.Stats.class)))
    @APIResponse(responseCode = "404", description = "UnknownPipelineName", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<PipelineStats.Stats> stats(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name) {
        return stats.of(name);
    }

    @POST
    @Path("/{pipeline_name}/pause")
    @Access(Role.EDITOR)
    @Operation(summary = "Pause a started pipeline: it is neither polled nor scheduled")
    @APIResponse(responseCode = "202")
    public Uni<Response> pause(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name) {
        return accepted(written(name, service.setRuntimeDesired(name, RuntimeDesiredStatus.Paused)));
    }

    @POST
    @Path("/{pipeline_name}/resume")
    @Access(Role.EDITOR)
    @Operation(summary = "Resume a paused pipeline")
    @APIResponse(responseCode = "202")
    public Uni<Response> resume(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name) {
        return accepted(written(name, service.setRuntimeDesired(name, RuntimeDesiredStatus.Running)));
    }

    @POST
    @Path("/{pipeline_name}/stop")
    @Access(Role.EDITOR)
    @Operation(summary = "Set the desired status to Stopped (force=true is required)")
    @APIResponse(responseCode = "202")
    public Uni<Response> stop(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name, @QueryParam("force") boolean force) {
        return accepted(written(name, service.stop(name, force)));
    }

    @POST
    @Path("/{pipeline_name}/clear")
    @Access(Role.EDITOR)
    @Operation(summary = "Clear a Stopped pipeline's storage: loaded data, segments, checkpoints")
    @APIResponse(responseCode = "202")
    @APIResponse(responseCode = "400", description = "IllegalPipelineAction: the pipeline is not Stopped, or a run of it is pending or running",
            content = @Content(schema = @Schema(implementation = io.sluice.api.ApiError.class)))
    public Uni<Response> clear(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name) {
        return accepted(written(name, service.clear(name)));
    }

    static final String SELECTOR = "^(all|status|status_with_connectors)$";
    static final String SELECTOR_MESSAGE = "must be 'all', 'status' or 'status_with_connectors'";

    static PipelineSelector selector(String value, PipelineSelector fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return PipelineSelector.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw SluiceException.invalidField("selector",
                    "selector must be 'all', 'status' or 'status_with_connectors', not '" + value + "'");
        }
    }

    /** The status fields and Feldera's {@code connectors} statistics (its ConnectorStats). */
    private Uni<ObjectNode> withConnectors(PipelineStatusView status) {
        return stats.connectors(status.id).map(c -> {
            ObjectNode view = json.mapper().valueToTree(status);
            view.set("connectors", json.mapper().valueToTree(c));
            return view;
        });
    }

    /**
     * A write through this replica is visible to this replica's next status read at once; other
     * replicas learn of it from PostgreSQL's notification (PipelineChangeListener).
     */
    private <T> Uni<T> written(String name, Uni<T> write) {
        return write.onTermination().invoke(() -> statusCache.invalidate(name));
    }

    private Uni<Response> accepted(Uni<Pipeline> request) {
        return request.replaceWith(Response.accepted().build());
    }

    private Response created(Pipeline p) {
        // Relative, so it resolves under quarkus.http.root-path (an ingress prefix).
        return Response.created(URI.create("v0/pipelines/" + p.name)).entity(views.full(p)).build();
    }
}
