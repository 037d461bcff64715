package io.sluice.http;

import java.util.List;
import java.util.Optional;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * At start-up, the OpenAPI document's {@code servers} name the run-time prefix
 * ({@code sluice.http.root-path}), so SDKs generated from {@code <prefix>/q/openapi} call the
 * prefixed paths. Nothing changes without a prefix.
 */
@OpenApiFilter(OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class RootPathOpenApiFilter implements OASFilter {
    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Optional<String> prefix = RootPathConfig.normalize(
                ConfigProvider.getConfig().getOptionalValue("sluice.http.root-path", String.class));
        prefix.ifPresent(p -> openAPI.setServers(List.of(OASFactory.createServer().url(p)
                .description("Sluice under its run-time path prefix (sluice.http.root-path)"))));
    }
}
