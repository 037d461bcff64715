package io.sluice.external;

import java.time.Duration;

import io.quarkus.runtime.annotations.StaticInitSafe;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** External tables. */
@StaticInitSafe
@ConfigMapping(prefix = "sluice.external")
public interface ExternalTablesConfig {
    /**
     * How often the leader looks for syncs left RUNNING by a replica that stopped (their sync claim
     * gone with its ZooKeeper session) and marks them FAILED ({@link AbandonedSyncs}).
     */
    @WithDefault("15s")
    Duration abandonedSyncCheck();
}
