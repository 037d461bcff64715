package io.sluice.source;

import java.net.URI;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.sluice.api.NamePatterns;
import io.sluice.security.Access;
import io.sluice.security.Role;

@Path("/api/v1/connectors")
@Tag(name = "Connectors")
@Access(Role.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ConnectorResource {
    @Inject
    ConnectorService service;

    @GET
    @Operation(summary = "List connectors")
    public Uni<List<ConnectorView>> list() {
        return service.list();
    }

    @POST
    @Operation(summary = "Create a connector")
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = ConnectorView.class)))
    @APIResponse(responseCode = "409", description = "A connector of this name exists (DuplicateName)")
    public Uni<Response> create(@Valid ConnectorRequest request) {
        return service.create(io.sluice.api.RequestBodies.require(request)).map(c -> Response.created(URI.create("api/v1/connectors/" + c.name().replace(" ", "%20")))
                .entity(c).build());
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "Get a connector")
    @APIResponse(responseCode = "200", description = "OK", content = @Content(schema = @Schema(implementation = ConnectorView.class)))
    @APIResponse(responseCode = "404", description = "No such connector (UnknownConnector)")
    public Uni<ConnectorView> get(@PathParam("name") @Pattern(regexp = NamePatterns.CONNECTOR, message = NamePatterns.CONNECTOR_MESSAGE) String name) {
        return service.get(name);
    }

    @PUT
    @Path("/{name}")
    @Operation(summary = "Replace a connector's configuration")
    @APIResponse(responseCode = "200", description = "OK", content = @Content(schema = @Schema(implementation = ConnectorView.class)))
    @APIResponse(responseCode = "404", description = "No such connector (UnknownConnector)")
    public Uni<ConnectorView> update(@PathParam("name") @Pattern(regexp = NamePatterns.CONNECTOR, message = NamePatterns.CONNECTOR_MESSAGE) String name,
            @Valid ConnectorRequest request) {
        return service.update(name, io.sluice.api.RequestBodies.require(request));
    }

    @DELETE
    @Path("/{name}")
    @Operation(summary = "Delete a connector (409 while a pipeline uses it)")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such connector (UnknownConnector)")
    @APIResponse(responseCode = "409", description = "A pipeline uses the connector (ConnectorInUse)")
    public Uni<Response> delete(@PathParam("name") @Pattern(regexp = NamePatterns.CONNECTOR, message = NamePatterns.CONNECTOR_MESSAGE) String name) {
        return service.delete(name).replaceWith(Response.noContent().build());
    }
}
