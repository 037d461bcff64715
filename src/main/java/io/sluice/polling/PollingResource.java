package io.sluice.polling;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.sluice.security.Access;
import io.sluice.security.Role;

/** Seed C: touch-file polling status and an on-demand cycle. */
@Path("/api/v1/pipelines/poll")
@Tag(name = "Polling")
@Produces(MediaType.APPLICATION_JSON)
public class PollingResource {
    @Inject
    PollingService service;

    @GET
    @Access(Role.VIEWER)
    @Operation(summary = "Check polling status for all active pipelines with file-based polling enabled")
    public Uni<PollingViews.Status> status() {
        return service.status();
    }

    @POST
    @Access(Role.EDITOR)
    @Operation(summary = "Manually trigger one polling cycle")
    public Uni<PollingViews.Cycle> poll() {
        return service.pollNow();
    }
}
