package io.sluice.polling;

import java.time.Duration;

import io.quarkus.runtime.annotations.StaticInitSafe;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Touch-file polling. */
@StaticInitSafe
@ConfigMapping(prefix = "sluice.polling")
public interface PollingConfig {
    /**
     * How often active pipelines with polling enabled are looked at; each is polled when its own
     * {@code intervalMinutes} has passed since its last poll.
     */
    @WithDefault("30s")
    Duration tick();
}
