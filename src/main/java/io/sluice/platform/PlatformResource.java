package io.sluice.platform;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.sluice.security.Access;
import io.sluice.security.Role;

/**
 * {@code GET /v0/config}: Feldera's platform configuration, which Feldera's clients read first
 * (the Python SDK's constructor fails without it). Every value is true of Sluice: an open-source
 * build without telemetry, analytics or onboarding keys (empty strings, as Feldera when disabled),
 * no license and no update check; Sluice is not built with Cargo, so the Rust build fields are empty.
 */
@Path("/v0/config")
@Tag(name = "Platform")
@Produces(MediaType.APPLICATION_JSON)
public class PlatformResource {
    @Inject
    PlatformConfig platform;
    @ConfigProperty(name = "quarkus.application.version", defaultValue = "0.1.0")
    String version;

    @Schema(name = "BuildInformation")
    public record BuildInformation(
            @JsonProperty("build_timestamp") @Schema(required = true) String buildTimestamp,
            @JsonProperty("build_cpu") @Schema(required = true) String buildCpu,
            @JsonProperty("build_os") @Schema(required = true) String buildOs,
            @JsonProperty("cargo_dependencies") @Schema(required = true) String cargoDependencies,
            @JsonProperty("cargo_features") @Schema(required = true) String cargoFeatures,
            @JsonProperty("cargo_debug") @Schema(required = true) String cargoDebug,
            @JsonProperty("cargo_opt_level") @Schema(required = true) String cargoOptLevel,
            @JsonProperty("cargo_target_triple") @Schema(required = true) String cargoTargetTriple,
            @JsonProperty("rustc_version") @Schema(required = true) String rustcVersion) {
    }

    @Schema(name = "Configuration", description = "Platform configuration (Feldera's shape).")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Configuration(
            @Schema(required = true, description = "Telemetry key; empty: disabled") String posthog,
            @Schema(required = true, description = "Analytics key; empty: disabled") String conceptualhq,
            @JsonProperty("product_fruits") @Schema(required = true, description = "Onboarding key; empty: disabled") String productFruits,
            @Schema(required = true, enumeration = { "Open source", "Enterprise" }) String edition,
            @JsonProperty("license_validity") @Schema(nullable = true) Object licenseValidity,
            @Schema(required = true, description = "Sluice's version, x.y.z") String version,
            @Schema(required = true, description = "Source revision of this build") String revision,
            @JsonProperty("runtime_revision") @Schema(required = true, description = "Same as revision: runs execute in the service itself") String runtimeRevision,
            @JsonProperty("changelog_url") @Schema(required = true) String changelogUrl,
            @JsonProperty("update_info") @Schema(nullable = true) Object updateInfo,
            @JsonProperty("build_info") @Schema(required = true) BuildInformation buildInfo,
            @JsonProperty("build_source") @Schema(required = true, enumeration = { "ci", "source" }) String buildSource,
            @JsonProperty("unstable_features") @Schema(nullable = true) String unstableFeatures) {
    }

    @GET
    @Access(Role.VIEWER)
    @Operation(summary = "Get the platform configuration", description = "Feldera's Configuration: edition, version, revision, build.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Configuration.class)))
    public Configuration config() {
        BuildInformation build = new BuildInformation("", "", "", "", "", "", "", "", "");
        return new Configuration("", "", "", "Open source", null, version, platform.revision(), platform.revision(),
                platform.changelogUrl().orElse(""), null, build, platform.buildSource(), null);
    }
}
