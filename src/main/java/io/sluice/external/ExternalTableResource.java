package io.sluice.external;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.sluice.api.ApiError;
import io.sluice.api.NamePatterns;
import io.sluice.api.RequestBodies;
import io.sluice.api.SluiceException;
import io.sluice.live.LiveReads;
import io.sluice.security.Access;
import io.sluice.security.Role;

/** Seed A: external tables, their watcher status and checkpoint. */
@Path("/tables")
@Tag(name = "External tables")
@Produces(MediaType.APPLICATION_JSON)
public class ExternalTableResource {
    @Inject
    LiveReads live;
    @Inject
    ExternalTables tables;
    @Inject
    WatcherStore watcher;

    /** {@code GET /tables}: the names of the external tables. */
    public record TableList(@Schema(example = "[\"orders\"]") List<String> tables) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Access(Role.EDITOR)
    @Operation(summary = "Create an external table: its pipeline <table>_OFFLINE is created and provisioned, its watcher IDLE")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = TableConfigRequest.class)))
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = ExternalTableView.class)))
    @APIResponse(responseCode = "400", description = "Invalid config, unknown Iceberg table", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "The connector the task names does not exist", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "The table exists", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "500", description = "The catalog cannot be reached", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Response> create(@Valid TableConfigRequest body) {
        return tables.create(RequestBodies.require(body))
                .map(view -> Response.status(Response.Status.CREATED).entity(view).build());
    }

    @GET
    @Access(Role.VIEWER)
    @Operation(summary = "List the external tables")
    public Uni<TableList> list() {
        return tables.names().map(TableList::new);
    }

    @GET
    @Path("/{tableName}")
    @Access(Role.VIEWER)
    @Operation(summary = "Get an external table (by name, with or without _OFFLINE)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ExternalTableView.class)))
    @APIResponse(responseCode = "404", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<ExternalTableView> get(@PathParam("tableName") @Pattern(regexp = NamePatterns.TABLE,
            message = NamePatterns.TABLE_MESSAGE) String tableName) {
        return tables.get(tableName);
    }

    @DELETE
    @Path("/{tableName}")
    @Access(Role.EDITOR)
    @Operation(summary = "Delete an external table with its pipeline, loaded rows, watcher status and checkpoint")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Map.class)))
    @APIResponse(responseCode = "404", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "A sync is going", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Map<String, String>> delete(@PathParam("tableName") @Pattern(regexp = NamePatterns.TABLE,
            message = NamePatterns.TABLE_MESSAGE) String tableName) {
        return tables.delete(tableName).map(ignored -> Map.of("status", "Table " + tableName + " deleted"));
    }

    @GET
    @Path("/{tableNameWithType}/externalTable/status")
    @Access(Role.VIEWER)
    @Operation(summary = "Get watcher run status (the last sync run, from ZooKeeper)", description = "Answers carry an ETag; "
            + "with If-None-Match the answer is 304 while it still holds, and with ?wait= (e.g. 30s) it waits for the "
            + "status to change (200, on a ZooKeeper watch) or for the time to pass (304).")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = WatcherStatus.class)))
    @APIResponse(responseCode = "304", description = "Unchanged: the client's ETag still holds")
    @APIResponse(responseCode = "404", description = "Table not found", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "500", description = "Internal error", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Response> status(@PathParam("tableNameWithType") @Pattern(regexp = NamePatterns.TABLE,
            message = NamePatterns.TABLE_MESSAGE) String table, @HeaderParam("If-None-Match") String ifNoneMatch,
            @QueryParam("wait") @org.eclipse.microprofile.openapi.annotations.parameters.Parameter(description = "Long-poll: how long to wait for a change of the If-None-Match ETag, e.g. 30s (at most sluice.live.max-wait)") String wait) {
        var request = live.request(ifNoneMatch, wait);
        return Panache.withSession(() -> ExternalTables.require(table)).chain(found -> live.respond(request,
                watcher.changes(found.tableNameWithType), live.recheck(),
                () -> Panache.withSession(() -> ExternalTables.require(table))
                        .chain(t -> watcher.status(t.tableNameWithType)).map(v -> live.snapshot(v))));
    }

    @GET
    @Path("/{tableNameWithType}/externalTable/checkpoint")
    @Access(Role.VIEWER)
    @WithSession
    @Operation(summary = "Get the last ingested checkpoint (catalog-backed tables only)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Checkpoint.class)))
    @APIResponse(responseCode = "400", description = "Not a catalog table (raw S3)", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "Table not found", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "500", description = "Catalog error", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Checkpoint> checkpoint(@PathParam("tableNameWithType") @Pattern(regexp = NamePatterns.TABLE,
            message = NamePatterns.TABLE_MESSAGE) String table) {
        return ExternalTables.require(table).chain(t -> {
            if (!t.iceberg()) {
                throw SluiceException.badRequest("NotACatalogTable", "Table '" + t.tableNameWithType
                        + "' is a raw S3 (s3-catalog) table: checkpoints are served for catalog-backed tables"
                        + " (a catalogType in its ExternalTableSyncTask config) only", Map.of("tableNameWithType", t.tableNameWithType));
            }
            return watcher.checkpoint(t.tableNameWithType);
        });
    }
}
