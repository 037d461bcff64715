package io.sluice.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.sluice.api.BlockingCalls;
import io.sluice.api.SluiceException;

/**
 * The files under a {@code local} connector's root. Every path goes through {@link LocalRoot}: '..',
 * absolute paths and symbolic links leading out of the root are refused (and left out of listings).
 * Listings follow links to files inside the root but do not descend into linked directories (a
 * prefix may name one). The file system is used on worker threads only.
 */
final class LocalStore implements SourceStore {
    private static final Logger LOG = Logger.getLogger(LocalStore.class);

    private final String connector;
    private final LocalRoot root;
    private final BlockingCalls blocking;

    LocalStore(String connector, LocalRoot root, BlockingCalls blocking) {
        this.connector = connector;
        this.root = root;
        this.blocking = blocking;
    }

    @Override
    public Uni<List<SourceFile>> list(String prefix, String glob) {
        String folder = SourceStore.folder(prefix);
        return blocking.run(() -> {
            Predicate<String> names = SourceStore.nameMatcher(glob);
            Path dir = root.resolve(folder);
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            List<SourceFile> files = new ArrayList<>();
            try {
                Path real = dir.toRealPath();
                Files.walkFileTree(real, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        String path = join(folder, real.relativize(file));
                        if (names.test(file.getFileName().toString())) {
                            describe(path, file, attrs).ifPresent(files::add);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE; // deleted while listing
                        }
                        throw e;
                    }
                });
            } catch (IOException e) {
                throw SourceErrors.unreachable(connector, "listing " + dir + " failed: " + e);
            }
            files.sort(Comparator.comparing(SourceFile::path));
            return files;
        });
    }

    @Override
    public Uni<Optional<SourceFile>> stat(String path) {
        return blocking.run(() -> {
            Path file = root.resolve(path);
            try {
                return describe(path, file, Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw SourceErrors.unreachable(connector, "reading " + file + " failed: " + e);
            }
        });
    }

    @Override
    public InputStream open(SourceFile file) throws IOException {
        return Files.newInputStream(current(file), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public InputStream open(SourceFile file, long offset, long length) throws IOException {
        var channel = Files.newByteChannel(current(file), java.nio.file.StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try {
            channel.position(offset);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new BoundedInputStream(java.nio.channels.Channels.newInputStream(channel), length);
    }

    @Override
    public LocalCopy download(SourceFile file, Path dir) throws IOException {
        return new LocalCopy(current(file), false);
    }

    @Override
    public Uni<Void> delete(String path) {
        return blocking.run(() -> {
            Path file = root.resolve(path);
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                throw SluiceException.badRequest("NotAFile", "'" + path + "' is a directory, not a file",
                        Map.of("path", path));
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw SourceErrors.unreachable(connector, "deleting " + file + " failed: " + e);
            }
            return null;
        });
    }

    @Override
    public Uni<Optional<String>> problem(String prefix) {
        return blocking.run(() -> {
            if (!root.reachable()) {
                return Optional.of("root " + root.root() + " is not a readable directory");
            }
            try {
                Path dir = root.resolve(SourceStore.folder(prefix));
                if (Files.exists(dir) && !Files.isDirectory(dir)) {
                    return Optional.of("source prefix " + dir + " is not a directory");
                }
                return Optional.empty();
            } catch (SluiceException e) {
                return Optional.of(e.getMessage());
            }
        });
    }

    /** The real path of a listed file that is still the same file; blocking. */
    private Path current(SourceFile file) throws IOException {
        SourceErrors.requireBlockingAllowed();
        Path path = root.resolve(file.path()).toRealPath();
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
        if (!attrs.isRegularFile()) {
            throw new NoSuchFileException(file.path(), null, "not a regular file");
        }
        if (file.etag() != null && !file.etag().equals(etag(attrs))) {
            throw new IOException(file.path() + " changed since it was listed (ETag " + file.etag() + ", now "
                    + etag(attrs) + ")");
        }
        return path;
    }

    /** A regular file (or a link to one inside the root) as a {@link SourceFile}; empty for anything else. */
    private Optional<SourceFile> describe(String path, Path file, BasicFileAttributes attrs) {
        BasicFileAttributes target = attrs;
        if (attrs.isSymbolicLink()) {
            try {
                Path real = file.toRealPath();
                if (!real.startsWith(root.root())) {
                    LOG.debugf("Connector %s: %s leads outside the root; left out", connector, path);
                    return Optional.empty();
                }
                target = Files.readAttributes(real, BasicFileAttributes.class);
            } catch (IOException e) {
                return Optional.empty(); // a dangling link
            }
        }
        if (!target.isRegularFile()) {
            return Optional.empty();
        }
        return Optional.of(new SourceFile(path, target.size(), etag(target), target.lastModifiedTime().toInstant()));
    }

    /** Size and modification time (microseconds) in hex: changes whenever the content is rewritten. */
    private static String etag(BasicFileAttributes attrs) {
        return Long.toHexString(attrs.size()) + "-" + Long.toHexString(attrs.lastModifiedTime().to(TimeUnit.MICROSECONDS));
    }

    private static String join(String folder, Path relative) {
        String rel = relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
        return folder.isEmpty() ? rel : folder + "/" + rel;
    }
}
