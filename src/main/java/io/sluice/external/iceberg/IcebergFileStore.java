package io.sluice.external.iceberg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.sluice.source.LocalCopy;
import io.sluice.source.SourceFile;
import io.sluice.source.SourceStore;

/**
 * The data files of an Iceberg table, read through the table's FileIO by their full location
 * ({@code file:/x}, {@code s3://b/k}). Sync runs are given their files by the table's sync (the
 * catalog chose them), so this store does not list, and never deletes.
 */
public final class IcebergFileStore implements SourceStore {
    private final String table;
    private final FileIO io;

    public IcebergFileStore(String table, FileIO io) {
        this.table = table;
        this.io = io;
    }

    @Override
    public Uni<List<SourceFile>> list(String prefix, String glob) {
        return Uni.createFrom().failure(new IllegalStateException("The data files of external table " + table
                + " are chosen by its sync: trigger it with POST /tasks/schedule"));
    }

    /**
     * A data file as its table's FileIO sees it now (its length; Iceberg data files never change in
     * place, so their ETag is a constant). BLOCKING I/O, on a worker thread.
     */
    @Override
    public Uni<Optional<SourceFile>> stat(String path) {
        return Uni.createFrom().item(() -> {
            org.apache.iceberg.io.InputFile file = io.newInputFile(path);
            return file.exists() ? Optional.of(new SourceFile(path, file.getLength(), IcebergPlanner.DATA_FILE_ETAG, null))
                    : Optional.<SourceFile>empty();
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @Override
    public InputStream open(SourceFile file) throws IOException {
        try {
            return io.newInputFile(file.path(), file.size()).newStream();
        } catch (NotFoundException e) {
            throw missing(file);
        }
    }

    /** Says which file and why, not only the path. */
    private NoSuchFileException missing(SourceFile file) {
        return new NoSuchFileException(file.path(), null, "data file of Iceberg table " + table
                + " is missing from its storage (removed by expire_snapshots or remove_orphan_files?)");
    }

    @Override
    public InputStream open(SourceFile file, long offset, long length) throws IOException {
        try {
            org.apache.iceberg.io.SeekableInputStream in = io.newInputFile(file.path(), file.size()).newStream();
            in.seek(offset);
            return new io.sluice.source.BoundedInputStream(in, length);
        } catch (NotFoundException e) {
            throw missing(file);
        }
    }

    @Override
    public LocalCopy download(SourceFile file, Path dir) throws IOException {
        if (SluiceFileIO.isLocal(file.path())) {
            Path local = Path.of(SluiceFileIO.localPath(file.path()));
            if (!Files.isRegularFile(local)) {
                throw missing(file);
            }
            return new LocalCopy(local, false);
        }
        // named after the object, so that a message about the copy says which data file it is
        String name = file.path().substring(file.path().lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        Path copy = Files.createTempFile(dir, "iceberg-", "-" + (name.length() > 100 ? name.substring(name.length() - 100) : name));
        try (InputStream in = open(file)) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        return new LocalCopy(copy, true);
    }

    @Override
    public Uni<Void> delete(String path) {
        return Uni.createFrom().failure(new UnsupportedOperationException("Sluice never deletes Iceberg data files"));
    }

    @Override
    public Uni<Optional<String>> problem(String prefix) {
        return Uni.createFrom().item(Optional.empty());
    }
}
