package io.sluice.coordination;

import java.util.Optional;

import io.quarkus.arc.Unremovable;
import io.smallrye.config.ConfigMapping;

/**
 * Test-only stand-in: application.properties sets {@code %test.sluice.auth.bootstrap-key}, but on this
 * branch nothing maps {@code sluice.auth.*} yet, and SmallRye Config refuses unmapped keys under the
 * {@code sluice} root, so no {@code @QuarkusTest} could start. Delete this file once the security
 * feature's own mapping of {@code sluice.auth} is merged (keeping it then is harmless).
 * {@code @Unremovable}: Quarkus registers a mapping that nothing injects only when marked so.
 */
@Unremovable
@ConfigMapping(prefix = "sluice.auth")
public interface UnmappedAuthKeyStandIn {
    /** Mirrors the key the tests' configuration sets. */
    Optional<String> bootstrapKey();
}
