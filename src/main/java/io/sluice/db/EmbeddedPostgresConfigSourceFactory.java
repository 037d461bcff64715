package io.sluice.db;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;

/** Registers {@link EmbeddedPostgresConfigSource} unless a datasource URL is configured. */
public class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {
    static final String DEFAULT_DATA_DIR = "./sluice-data";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue url = context.getValue(EmbeddedPostgresConfigSource.URL);
        if (url != null && url.getValue() != null && !url.getValue().isBlank()) {
            return List.of();
        }
        ConfigValue dataDir = context.getValue("sluice.data-dir");
        String dir = dataDir == null || dataDir.getValue() == null ? DEFAULT_DATA_DIR : dataDir.getValue();
        ConfigValue durable = context.getValue("sluice.embedded-postgres.durable");
        boolean isDurable = durable == null || durable.getValue() == null || Boolean.parseBoolean(durable.getValue());
        ConfigValue port = context.getValue("sluice.embedded-postgres.port");
        int fixedPort = port == null || port.getValue() == null || port.getValue().isBlank() ? 0
                : Integer.parseInt(port.getValue().strip());
        return List.of(new EmbeddedPostgresConfigSource(Path.of(dir), isDurable, fixedPort));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(10);
    }
}
