package io.sluice.source;

import java.time.Instant;

/**
 * One file of a connector, as listed.
 *
 * @param path relative to the connector's root directory or bucket, '/'-separated (an S3 key)
 * @param etag its identity: the S3 ETag as the store returns it; for local files derived from size and
 *             modification time. Reading a file whose ETag changed since it was listed fails.
 */
public record SourceFile(String path, long size, String etag, Instant lastModified) {

    /** The last segment of the path: what a name glob matches. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
