package io.sluice.run;

import java.util.List;
import java.util.UUID;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.sluice.api.ApiError;
import io.sluice.api.NamePatterns;
import io.sluice.live.ChangeFeed;
import io.sluice.live.LiveReads;
import io.sluice.live.Snapshot;
import io.sluice.security.Access;
import io.sluice.security.Role;

/** Seed C: runs of a pipeline (addressed by id, or by name), their progress, errors and retries. */
@Path("/api/v1/pipelines/{id}/runs")
@Tag(name = "Runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {
    private static final String CSV = "text/csv";
    /** Pages beyond this cannot exist (500 runs a page): page * size stays far from int overflow. */
    private static final long MAX_PAGE = 1_000_000;
    /** {id} is the pipeline's id (a UUID fits the name pattern) or its name. */
    private static final String ID_MESSAGE = "must be a pipeline's id or name";

    @Inject
    RunService service;
    @Inject
    ObjectMapper mapper;
    @Inject
    LiveReads live;
    @Inject
    ChangeFeed changes;

    @POST
    @Access(Role.EDITOR)
    @Operation(summary = "Start a run of the pipeline now")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = RunViews.RunView.class)))
    @APIResponse(responseCode = "409", description = "A run of this pipeline is pending or running (RunInProgress), or its storage is being cleared (StorageClearing)", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "422", description = "The program has not compiled, or there is no source", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Response> trigger(@PathParam("id") @Pattern(regexp = NamePatterns.PIPELINE, message = ID_MESSAGE) String id) {
        return service.trigger(id).chain(service::view).map(v -> Response.status(201).entity(v).build());
    }

    @GET
    @Access(Role.VIEWER)
    @Operation(summary = "List the pipeline's runs, newest first")
    public Uni<RunViews.RunList> list(@PathParam("id") @Pattern(regexp = NamePatterns.PIPELINE, message = ID_MESSAGE) String id,
            @QueryParam("page") @DefaultValue("0") @Min(0) @Max(MAX_PAGE) int page,
            @QueryParam("size") @DefaultValue("50") @Min(1) @Max(500) int size) {
        return service.list(id, page, size);
    }

    @GET
    @Path("/{runId}")
    @Access(Role.VIEWER)
    @Operation(summary = "Get a run")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = RunViews.RunView.class)))
    @APIResponse(responseCode = "404", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<RunViews.RunView> get(@PathParam("id") @Pattern(regexp = NamePatterns.PIPELINE, message = ID_MESSAGE) String id, @PathParam("runId") @Pattern(regexp = NamePatterns.UUID, message = NamePatterns.UUID_MESSAGE) String runId) {
        return service.get(id, runId);
    }

    @GET
    @Path("/{runId}/progress")
    @Access(Role.VIEWER)
    @Operation(summary = "Progress of a run", description = "Row counts, partition details, ETA, the first 20 validation errors and the log. "
            + "Answers carry an ETag (durationMs and eta left out of it); with If-None-Match the answer is 304 while it "
            + "still holds, and with ?wait= (e.g. 30s) it waits for the next committed batch (200) or for the time to pass (304). "
            + "With Accept: text/event-stream, a stream of Server-Sent Events instead, one 'progress' event per change, "
            + "ending after the finished run's.")
    @APIResponse(responseCode = "200", description = "OK (JSON; with Accept: text/event-stream, a stream)", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunViews.Progress.class)),
            @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING,
                    description = "Server-Sent Events named 'progress', data: the Progress as JSON, id: its ETag")) })
    @APIResponse(responseCode = "304", description = "Unchanged: the client's ETag still holds")
    @APIResponse(responseCode = "404", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Response> progress(@PathParam("id") @Pattern(regexp = NamePatterns.PIPELINE, message = ID_MESSAGE) String id,
            @PathParam("runId") @Pattern(regexp = NamePatterns.UUID, message = NamePatterns.UUID_MESSAGE) String runId,
            @HeaderParam("If-None-Match") String ifNoneMatch,
            @QueryParam("wait") @org.eclipse.microprofile.openapi.annotations.parameters.Parameter(description = "Long-poll: how long to wait for a change of the If-None-Match ETag, e.g. 30s (at most sluice.live.max-wait)") String wait) {
        var request = live.request(ifNoneMatch, wait);
        return service.requireRun(id, runId).chain(run -> live.respond(request,
                changes.changes(ChangeFeed.RUN, run.id.toString()), live.recheck(), () -> progressSnapshot(id, run.id)));
    }

    @GET
    @Path("/{runId}/progress")
    @Access(Role.VIEWER)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    // Hidden from the OpenAPI document: it shares path and verb with the JSON operation, whose 200
    // documents the stream as its text/event-stream content; generators allow one operation per pair.
    @Operation(hidden = true, summary = "Stream the progress of a run (Server-Sent Events)", description = "The progress now, then after each change, "
            + "as SSE events named 'progress' (id: the ETag); the stream ends after the finished run's progress.")
    public Uni<Void> progressStream(@PathParam("id") @Pattern(regexp = NamePatterns.PIPELINE, message = ID_MESSAGE) String id,
            @PathParam("runId") @Pattern(regexp = NamePatterns.UUID, message = NamePatterns.UUID_MESSAGE) String runId,
            @Context SseEventSink sink, @Context Sse sse) {
        // The run is looked up before the stream starts: a missing one is a 404 with the error body.
        return service.requireRun(id, runId).invoke(run -> live.stream(sink, sse, live
                .watchUntil(changes.changes(ChangeFeed.RUN, run.id.toString()), live.recheck(),
                        () -> progressSnapshot(id, run.id), s -> RunStatus.fromWire(s.tree().path("status").asText()).isFinished())
                .map(s -> live.event(sse, "progress", s.etag(), s.text())))).replaceWithVoid();
    }

    /** The progress's ETag leaves out what changes with the clock alone. */
    private Uni<Snapshot> progressSnapshot(String id, UUID run) {
        return service.progress(id, run.toString()).map(p -> live.snapshot(p, "durationMs", "eta"));
    }

    @GET
    @Path("/{runId}/errors")
    @Access(Role.VIEWER)
    @Produces({ MediaType.APPLICATION_JSON, CSV })
    @Blocking
    @Operation(summary = "All validation errors of a run", description = "JSON (default) or, with Accept: text/csv, a CSV download with headers Row, Column, Value, Error. Streamed whatever the count.")
    @APIResponse(responseCode = "200", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunViews.Errors.class)),
            @Content(mediaType = CSV, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)) })
    @APIResponse(responseCode = "404", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Response errors(@PathParam("id") @Pattern(regexp = NamePatterns.PIPELINE, message = ID_MESSAGE) String id, @PathParam("runId") @Pattern(regexp = NamePatterns.UUID, message = NamePatterns.UUID_MESSAGE) String runId,
            @Context HttpHeaders headers) {
        // A worker thread writes the body as the cursor delivers rows: bounded memory whatever the count.
        UUID run = service.runIdOf(id, runId);
        long total = service.errorCount(run).await().indefinitely();
        if (prefersCsv(headers.getAcceptableMediaTypes())) {
            StreamingOutput body = out -> write(out, "Row,Column,Value,Error\r\n", run, RunResource::csvLine, "");
            return Response.ok(body, "text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"pipeline-run-" + run + "-errors.csv\"")
                    .build();
        }
        StreamingOutput body = out -> write(out, "{\"runId\":\"" + run + "\",\"total\":" + total + ",\"errors\":[",
                run, new JsonElements(), "]}");
        return Response.ok(body, MediaType.APPLICATION_JSON).build();
    }

    /**
     * CSV only when the client prefers it: generated clients send "application/json, text/csv" for an
     * operation that has both, and expect JSON. The acceptable types come sorted by preference.
     */
    static boolean prefersCsv(List<MediaType> acceptable) {
        MediaType csv = MediaType.valueOf(CSV);
        for (MediaType type : acceptable) {
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return false;
            }
            if (type.isCompatible(csv)) {
                return true;
            }
        }
        return false;
    }

    private void write(OutputStream out, String head, UUID run, Function<RunViews.RowErrorView, String> element,
            String tail) throws IOException {
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        writer.write(head);
        for (RunViews.RowErrorView e : service.streamErrors(run).subscribe().asIterable()) {
            writer.write(element.apply(e));
        }
        writer.write(tail);
        writer.flush();
    }

    /** Each error as JSON, with the separating commas of an array. */
    private final class JsonElements implements Function<RunViews.RowErrorView, String> {
        private boolean first = true;

        @Override
        public String apply(RunViews.RowErrorView e) {
            String separator = first ? "" : ",";
            first = false;
            try {
                return separator + mapper.writeValueAsString(e);
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    @POST
    @Path("/{runId}/retry")
    @Access(Role.EDITOR)
    @Operation(summary = "Retry a failed or partially failed run", description = "append and upsert resume from each partition's last committed row; replace re-runs from the beginning.")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = RunViews.RunView.class)))
    @APIResponse(responseCode = "404", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "422", description = "Only failed or completed_with_errors runs can be retried", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Response> retry(@PathParam("id") @Pattern(regexp = NamePatterns.PIPELINE, message = ID_MESSAGE) String id, @PathParam("runId") @Pattern(regexp = NamePatterns.UUID, message = NamePatterns.UUID_MESSAGE) String runId) {
        return service.retry(id, runId).chain(service::view).map(v -> Response.status(201).entity(v).build());
    }

    static String csvLine(RunViews.RowErrorView e) {
        return e.row() + "," + csvField(e.column()) + "," + csvField(e.value()) + "," + csvField(e.error()) + "\r\n";
    }

    static String csvField(String value) {
        if (value == null) {
            return "";
        }
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
