package io.sluice.security;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;

/** Test-only endpoints showing what {@link AccessFilter} lets through and what {@link Caller} says. */
@Path("/test-security")
@Access(Role.EDITOR)
@Produces(MediaType.APPLICATION_JSON)
public class SecurityProbeResource {
    @Inject
    Caller caller;

    /** Non-blocking, method-level rule (weaker than the class's). */
    @GET
    @Path("whoami")
    @Access(Role.VIEWER)
    public Uni<Map<String, Object>> whoami() {
        return Uni.createFrom().item(describe());
    }

    /** Blocking (runs on a worker thread), class-level rule. */
    @POST
    @Path("write")
    public Map<String, Object> write() {
        return describe();
    }

    private Map<String, Object> describe() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("authenticated", caller.isAuthenticated());
        body.put("name", caller.name());
        body.put("role", caller.role() == null ? null : caller.role().wireName());
        body.put("via", caller.identity() == null ? null : caller.identity().via().name());
        body.put("thread_blocking", io.quarkus.runtime.BlockingOperationControl.isBlockingAllowed());
        return body;
    }
}
