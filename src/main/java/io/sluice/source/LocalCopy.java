package io.sluice.source;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A source file as a local, seekable file (for Parquet). Closing it deletes it when it is a
 * temporary download, and leaves it alone when it is the source file itself (local connectors).
 */
public record LocalCopy(Path path, boolean temporary) implements Closeable {
    @Override
    public void close() throws IOException {
        if (temporary) {
            Files.deleteIfExists(path);
        }
    }
}
