package io.sluice.platform;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What {@code GET /v0/config} says about this build. */
@ConfigMapping(prefix = "sluice.platform")
public interface PlatformConfig {
    /** The source revision (git commit) this build was made from; the build or the image sets it. */
    @WithDefault("unknown")
    String revision();

    /** "ci" for a build by continuous integration, "source" for a local build (Feldera's build_source). */
    @WithDefault("source")
    String buildSource();

    /** Where the changes of each version are listed; empty: nowhere published. */
    Optional<String> changelogUrl();
}
