package io.sluice.pipeline;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.sluice.api.ApiError;
import io.sluice.api.SluiceException;
import io.sluice.security.Access;
import io.sluice.security.Role;

/** Seed B1: a pipeline's monitor events, newest first. */
@Path("/v0/pipelines/{pipeline_name}/events")
@Tag(name = "Pipelines")
@Access(Role.VIEWER)
@Produces(MediaType.APPLICATION_JSON)
public class MonitorEventResource {
    @Inject
    PipelineJson json;

    @GET
    @WithSession
    @Operation(summary = "List pipeline events", description = "Retrieve monitoring events in reverse chronological order.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = MonitorEventView.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "404", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<List<MonitorEventStatusView>> list(@PathParam("pipeline_name") String name,
            @QueryParam("selector") @Parameter(schema = @Schema(enumeration = { "all", "status" })) String selector) {
        PipelineSelector s = PipelineResource.selector(selector, PipelineSelector.status);
        return PipelineService.require(name)
                .chain(p -> MonitorEvent.<MonitorEvent>find("pipelineId", Sort.descending("recordedAt"), p.id).list())
                .map(events -> events.stream().map(e -> view(e, s)).toList());
    }

    @GET
    @Path("/{event_id}")
    @WithSession
    @Operation(summary = "Get one pipeline event", description = "event_id is an event's id, or 'latest'.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = MonitorEventView.class)))
    @APIResponse(responseCode = "404", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<MonitorEventStatusView> get(@PathParam("pipeline_name") String name, @PathParam("event_id") @Parameter(description = "An event's id (a UUID), or latest",
                    schema = @Schema(pattern = "^(latest|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")) String eventId,
            @QueryParam("selector") @Parameter(schema = @Schema(enumeration = { "all", "status" })) String selector) {
        PipelineSelector s = PipelineResource.selector(selector, PipelineSelector.all);
        return PipelineService.require(name).<MonitorEvent>chain(p -> {
            if ("latest".equals(eventId)) {
                return MonitorEvent.<MonitorEvent>find("pipelineId", Sort.descending("recordedAt"), p.id).firstResult();
            }
            UUID id;
            try {
                id = UUID.fromString(eventId);
            } catch (IllegalArgumentException e) {
                throw SluiceException.invalidField("event_id", "event_id must be a UUID or 'latest'");
            }
            return MonitorEvent.<MonitorEvent>find("id = ?1 and pipelineId = ?2", id, p.id).firstResult();
        }).map(e -> {
            if (e == null) {
                throw SluiceException.notFound("UnknownPipelineEvent", "No such event for pipeline '" + name + "'",
                        Map.of("event_id", eventId));
            }
            return view(e, s);
        });
    }

    private MonitorEventStatusView view(MonitorEvent e, PipelineSelector selector) {
        MonitorEventStatusView v;
        if (selector == PipelineSelector.all) {
            MonitorEventView all = new MonitorEventView();
            all.deploymentError = json.tree(e.deploymentError);
            all.resourcesStatusDetails = json.tree(e.resourcesStatusDetails);
            all.runtimeStatusDetails = json.tree(e.runtimeStatusDetails);
            all.storageStatusDetails = json.tree(e.storageStatusDetails);
            v = all;
        } else {
            v = new MonitorEventStatusView();
        }
        v.eventId = e.id;
        v.recordedAt = e.recordedAt;
        v.deploymentHasError = e.deploymentError != null;
        v.resourcesDesiredStatus = e.resourcesDesiredStatus;
        v.resourcesStatus = e.resourcesStatus;
        v.runtimeDesiredStatus = e.runtimeDesiredStatus;
        v.runtimeStatus = e.runtimeStatus;
        v.programStatus = e.programStatus;
        v.storageStatus = e.storageStatus;
        return v;
    }
}
