package io.sluice.security.apikey;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import io.sluice.api.ApiError;
import io.sluice.api.NamePatterns;
import io.sluice.security.Access;
import io.sluice.security.Role;
import io.sluice.security.apikey.ApiKeyDtos.ApiKeyView;
import io.sluice.security.apikey.ApiKeyDtos.CreatedApiKey;
import io.sluice.security.apikey.ApiKeyDtos.NewApiKey;
import io.smallrye.mutiny.Uni;

/**
 * {@code /v0/api-keys}: API key management, admins only. {@code /v0/api_keys} reaches the same
 * methods ({@link ApiKeyPathAlias}).
 */
@Path("/v0/api-keys")
@Access(Role.ADMIN)
@Tag(name = "API keys", description = "Manage API keys (also reachable as /v0/api_keys).")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ApiKeyResource {
    @Inject
    ApiKeyService service;

    @POST
    @ResponseStatus(201)
    @Operation(summary = "Create an API key", description = "Returns the key: the only time it is shown.")
    @APIResponse(responseCode = "201", description = "API key created successfully",
            content = @Content(schema = @Schema(implementation = CreatedApiKey.class)))
    @APIResponse(responseCode = "400", description = "Missing name or unknown role",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "An API key with this name already exists",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<CreatedApiKey> create(@Valid NewApiKey request) {
        return service.create(request);
    }

    @GET
    @Operation(summary = "List API keys", description = "Names, roles and creation times; never the keys.")
    @APIResponse(responseCode = "200", description = "API keys retrieved successfully",
            content = @Content(schema = @Schema(implementation = ApiKeyView[].class)))
    public Uni<List<ApiKeyView>> list() {
        return service.list();
    }

    @GET
    @Path("{api_key_name}")
    @Operation(summary = "Get an API key")
    @APIResponse(responseCode = "200", description = "API key retrieved successfully",
            content = @Content(schema = @Schema(implementation = ApiKeyView.class)))
    @APIResponse(responseCode = "404", description = "Unknown API key",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<ApiKeyView> get(@Parameter(description = "Unique API key name") @PathParam("api_key_name") @Pattern(regexp = NamePatterns.API_KEY, message = NamePatterns.API_KEY_MESSAGE) String name) {
        return service.get(name);
    }

    @DELETE
    @Path("{api_key_name}")
    @Operation(summary = "Delete an API key", description = "The last admin key cannot be deleted.")
    @APIResponse(responseCode = "204", description = "API key deleted successfully")
    @APIResponse(responseCode = "400", description = "The last admin key cannot be deleted",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "Unknown API key",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Void> delete(@Parameter(description = "Unique API key name") @PathParam("api_key_name") @Pattern(regexp = NamePatterns.API_KEY, message = NamePatterns.API_KEY_MESSAGE) String name) {
        return service.delete(name);
    }
}
