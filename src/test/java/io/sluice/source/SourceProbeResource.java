package io.sluice.source;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.sluice.security.Access;
import io.sluice.security.Role;

/**
 * Test-only endpoint using {@link SourceStores} the way the run engine will: from a request's
 * Vert.x context, inside a Hibernate Reactive session that goes on after the store answered.
 */
@Path("/test-sources")
@Access(Role.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class SourceProbeResource {
    @Inject
    SourceStores stores;

    @GET
    @Path("{connector}")
    @WithSession
    public Uni<Map<String, Object>> probe(@PathParam("connector") String connector, @QueryParam("prefix") String prefix,
            @QueryParam("glob") String glob) {
        Map<String, Object> body = new LinkedHashMap<>();
        return stores.forConnector(connector)
                .chain(store -> store.problem(prefix).invoke(problem -> body.put("problem", problem.orElse(null)))
                        .chain(() -> problemFree(body) ? store.list(prefix, glob) : Uni.createFrom().item(java.util.List.<SourceFile>of())))
                .invoke(files -> body.put("files", files.stream().map(SourceFile::path).toList()))
                // the session is still usable: the store delivered on this request's context
                .chain(() -> Connector.count())
                .map(count -> {
                    body.put("connectors", count);
                    return body;
                });
    }

    private static boolean problemFree(Map<String, Object> body) {
        return body.get("problem") == null;
    }
}
