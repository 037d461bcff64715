package io.sluice.external.iceberg;

import java.util.Map;

import org.apache.iceberg.Files;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.StorageCredential;
import org.apache.iceberg.io.SupportsStorageCredentials;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The FileIO external tables use unless their config names another ({@code catalog.io-impl}): local
 * paths ({@code /x}, {@code file:/x}, {@code file:///x}) through {@link Files} (iceberg-core has no
 * Hadoop-free local FileIO), {@code s3://} (and {@code s3a://}, {@code s3n://}) through iceberg-aws'
 * {@link S3FileIO}, configured from the same properties ({@code s3.endpoint}, {@code s3.path-style-access},
 * credentials, {@code client.region}). Credentials a REST catalog vends with a table reach S3FileIO
 * both ways Iceberg hands them over: in the table's config (merged into the properties) and as storage
 * credentials. Iceberg instantiates it by name, hence the reflection registration.
 */
@RegisterForReflection
public class SluiceFileIO implements FileIO, SupportsStorageCredentials {
    private Map<String, String> properties = Map.of();
    private volatile java.util.List<StorageCredential> credentials = java.util.List.of();
    private volatile S3FileIO s3;

    public SluiceFileIO() {
    }

    @Override
    public void initialize(Map<String, String> props) {
        this.properties = Map.copyOf(props);
    }

    @Override
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public void setCredentials(java.util.List<StorageCredential> given) {
        this.credentials = java.util.List.copyOf(given);
        S3FileIO io = s3;
        if (io != null) {
            io.setCredentials(this.credentials);
        }
    }

    @Override
    public java.util.List<StorageCredential> credentials() {
        return credentials;
    }

    /** Whether {@code location} is a local path rather than an object store URI. */
    public static boolean isLocal(String location) {
        return location.startsWith("/") || location.startsWith("file:");
    }

    /** The local path of a {@code /x} or {@code file:} location. */
    public static String localPath(String location) {
        if (location.startsWith("file://")) {
            return location.substring("file://".length());
        }
        if (location.startsWith("file:")) {
            return location.substring("file:".length());
        }
        return location;
    }

    @Override
    public InputFile newInputFile(String location) {
        return isLocal(location) ? Files.localInput(localPath(location)) : s3().newInputFile(location);
    }

    @Override
    public InputFile newInputFile(String location, long length) {
        return isLocal(location) ? Files.localInput(localPath(location)) : s3().newInputFile(location, length);
    }

    @Override
    public OutputFile newOutputFile(String location) {
        return isLocal(location) ? Files.localOutput(localPath(location)) : s3().newOutputFile(location);
    }

    @Override
    public void deleteFile(String location) {
        if (isLocal(location)) {
            new java.io.File(localPath(location)).delete();
        } else {
            s3().deleteFile(location);
        }
    }

    private S3FileIO s3() {
        S3FileIO io = s3;
        if (io == null) {
            synchronized (this) {
                if (s3 == null) {
                    S3FileIO created = new S3FileIO();
                    created.setCredentials(credentials);
                    created.initialize(properties);
                    s3 = created;
                }
                io = s3;
            }
        }
        return io;
    }

    @Override
    public void close() {
        S3FileIO io = s3;
        if (io != null) {
            io.close();
        }
    }
}
