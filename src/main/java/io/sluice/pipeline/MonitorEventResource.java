package io.sluice.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.sluice.api.ApiError;
import io.sluice.api.NamePatterns;
import io.sluice.api.SluiceException;
import io.sluice.live.ChangeFeed;
import io.sluice.live.LiveReads;
import io.sluice.security.Access;
import io.sluice.security.Role;

/** Seed B1: a pipeline's monitor events, newest first; live as a long-poll or as Server-Sent Events. */
@Path("/v0/pipelines/{pipeline_name}/events")
@Tag(name = "Pipelines")
@Access(Role.VIEWER)
@Produces(MediaType.APPLICATION_JSON)
public class MonitorEventResource {
    @Inject
    PipelineJson json;
    @Inject
    LiveReads live;
    @Inject
    ChangeFeed changes;

    @GET
    @Operation(summary = "List pipeline events", description = "Retrieve monitoring events in reverse chronological order. "
            + "Answers carry an ETag; with If-None-Match the answer is 304 while it still holds, and with ?wait= "
            + "(e.g. 30s) it waits for a new event (200) or for the time to pass (304). "
            + "With Accept: text/event-stream, a stream of Server-Sent Events instead: the latest event (or those after "
            + "Last-Event-ID), then every new one as it is recorded, oldest first.")
    @APIResponse(responseCode = "200", description = "OK (JSON; with Accept: text/event-stream, a stream)", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MonitorEventView.class, type = SchemaType.ARRAY)),
            @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING,
                    description = "Server-Sent Events named 'event', data: a MonitorEvent as JSON, id: its event_id")) })
    @APIResponse(responseCode = "304", description = "Unchanged: the client's ETag still holds")
    @APIResponse(responseCode = "404", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Response> list(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name,
            @QueryParam("selector") @Parameter(schema = @Schema(enumeration = { "all", "status" }))
            @Pattern(regexp = "^(all|status)$", message = "must be 'all' or 'status'") String selector,
            @HeaderParam("If-None-Match") String ifNoneMatch,
            @QueryParam("wait") @Parameter(description = "Long-poll: how long to wait for a change of the If-None-Match ETag, e.g. 30s (at most sluice.live.max-wait)") String wait) {
        PipelineSelector s = PipelineResource.selector(selector, PipelineSelector.status);
        return live.respond(live.request(ifNoneMatch, wait), changes.changes(ChangeFeed.EVENT, name), live.recheck(),
                () -> Panache.withSession(() -> PipelineService.require(name)
                        .chain(p -> MonitorEvent.<MonitorEvent>find("pipelineId", Sort.descending("recordedAt"), p.id).list()))
                        .map(events -> live.snapshot(events.stream().map(e -> view(e, s)).toList())));
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    // Hidden from the OpenAPI document: it shares path and verb with the JSON operation, whose 200
    // documents the stream as its text/event-stream content; generators allow one operation per pair.
    @Operation(hidden = true, summary = "Stream pipeline events (Server-Sent Events)", description = "Each event as an SSE 'event' named "
            + "'event' with the event's id; starts with the latest event, or with those after Last-Event-ID.")
    public Uni<Void> stream(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name,
            @QueryParam("selector") @Parameter(schema = @Schema(enumeration = { "all", "status" }))
            @Pattern(regexp = "^(all|status)$", message = "must be 'all' or 'status'") String selector,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context SseEventSink sink, @Context Sse sse) {
        PipelineSelector s = PipelineResource.selector(selector, PipelineSelector.status);
        // The pipeline is looked up before the stream starts: a missing one is a 404 with the error body.
        // The cursor starts just before the newest event, so that one is sent first.
        return Panache.withSession(() -> PipelineService.require(name).chain(p -> start(p.id, lastEventId)
                .map(from -> new EventCursor(p.id, from)))).invoke(cursor -> live.stream(sink, sse, live
                        .watch(changes.changes(ChangeFeed.EVENT, name), live.recheck(),
                                () -> cursor.next().map(events -> live.snapshot(events.stream().map(e -> view(e, s)).toList())))
                        .onItem().transformToIterable(snapshot -> snapshot.tree())
                        .map(node -> live.event(sse, "event", node.path("event_id").asText(), node.toString()))))
                .replaceWithVoid();
    }

    /** Where a stream starts: after Last-Event-ID, or just before the newest event (so it is sent). */
    private Uni<Instant> start(UUID pipelineId, String lastEventId) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            UUID id;
            try {
                id = UUID.fromString(lastEventId.strip());
            } catch (IllegalArgumentException e) {
                throw SluiceException.invalidField("Last-Event-ID", "Last-Event-ID must be an event's id");
            }
            return MonitorEvent.<MonitorEvent>find("id = ?1 and pipelineId = ?2", id, pipelineId).firstResult()
                    .map(e -> e == null ? Instant.EPOCH : e.recordedAt);
        }
        return MonitorEvent.<MonitorEvent>find("pipelineId", Sort.descending("recordedAt"), pipelineId).firstResult()
                .map(e -> e == null ? Instant.EPOCH : e.recordedAt.minus(1, java.time.temporal.ChronoUnit.MICROS));
    }

    /** The events of one pipeline recorded after the last one read, oldest first. */
    private static final class EventCursor {
        private final UUID pipelineId;
        private Instant after;

        EventCursor(UUID pipelineId, Instant after) {
            this.pipelineId = pipelineId;
            this.after = after;
        }

        Uni<List<MonitorEvent>> next() {
            return Panache.withSession(() -> MonitorEvent.<MonitorEvent>find("pipelineId = ?1 and recordedAt > ?2",
                    Sort.ascending("recordedAt"), pipelineId, after).list()).invoke(events -> {
                        if (!events.isEmpty()) {
                            after = events.get(events.size() - 1).recordedAt;
                        }
                    });
        }
    }

    @GET
    @Path("/{event_id}")
    @WithSession
    @Operation(summary = "Get one pipeline event", description = "event_id is an event's id, or 'latest'.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = MonitorEventView.class)))
    @APIResponse(responseCode = "404", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<MonitorEventStatusView> get(@PathParam("pipeline_name") @Pattern(regexp = NamePatterns.PIPELINE, message = NamePatterns.PIPELINE_MESSAGE) String name, @PathParam("event_id") @Parameter(description = "An event's id (a UUID), or latest")
            @Pattern(regexp = NamePatterns.EVENT_ID, message = NamePatterns.EVENT_ID_MESSAGE) String eventId,
            @QueryParam("selector") @Parameter(schema = @Schema(enumeration = { "all", "status" }))
            @Pattern(regexp = "^(all|status)$", message = "must be 'all' or 'status'") String selector) {
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
