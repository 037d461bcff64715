package io.sluice;

import java.nio.file.Path;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings shared by every feature. Feature settings live in their own mappings under sluice.*. */
@ConfigMapping(prefix = "sluice")
public interface SluiceConfig {
    /**
     * Directory of the embedded PostgreSQL and ZooKeeper data and of the bootstrap admin key.
     * Relative paths resolve against the working directory.
     */
    @WithDefault("./sluice-data")
    Path dataDir();

    /** The PostgreSQL Sluice runs itself when no datasource URL is configured. */
    EmbeddedPostgres embeddedPostgres();

    interface EmbeddedPostgres {
        /**
         * fsync and synchronous commits on (the default): committed data survives a power loss.
         * Tests switch it off for speed.
         */
        @WithDefault("true")
        boolean durable();
    }
}
