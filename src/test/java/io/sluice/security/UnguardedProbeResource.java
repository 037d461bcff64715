package io.sluice.security;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Test-only endpoint without {@link Access}: deny by default refuses it to everybody. */
@Path("/test-security/unguarded")
public class UnguardedProbeResource {
    @GET
    public String get() {
        return "should never be served";
    }
}
