package io.sluice.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.PatternSyntaxException;

import io.smallrye.mutiny.Uni;
import io.sluice.api.SluiceException;

/**
 * The files of one connector, whatever its type ({@link SourceStores} hands them out). Paths are
 * relative to the connector's root directory or bucket and '/'-separated; a path that leads outside
 * the root fails with 400 {@code PathOutsideConnectorRoot}. A store that cannot be reached fails with
 * 422 {@code ConnectorUnreachable}, whose message says why.
 *
 * <p>The {@link Uni} methods never block the calling thread and deliver their result on the caller's
 * Vert.x context (a Hibernate Reactive session can go on). {@link #open} and {@link #download} block:
 * call them on worker threads only.
 */
public interface SourceStore {

    /**
     * Every file in the folder {@code prefix} and its subfolders ({@code null} or empty: the whole
     * connector; {@code "customers"} and {@code "customers/"} are the same folder) whose name
     * matches the glob {@code glob} ({@code null}: any name), sorted by path. Empty when the folder
     * does not exist. S3 listings are fetched page by page.
     */
    Uni<List<SourceFile>> list(String prefix, String glob);

    /** The file at {@code path}, or empty when there is none (a touch file not yet written). */
    Uni<Optional<SourceFile>> stat(String path);

    /**
     * Streams the file's content. BLOCKING. Fails with {@link java.nio.file.NoSuchFileException}
     * when it is gone, and with an {@link IOException} when its ETag is no longer the listed one.
     */
    InputStream open(SourceFile file) throws IOException;

    /**
     * Streams {@code length} bytes of the file from byte {@code offset} (a part of a split file),
     * failing like {@link #open(SourceFile)}. BLOCKING.
     */
    InputStream open(SourceFile file, long offset, long length) throws IOException;

    /**
     * The file as a local, seekable file (Parquet needs one). BLOCKING. An S3 object is downloaded
     * into {@code dir} (deleted again when the copy is closed); a local file is returned as it is.
     */
    LocalCopy download(SourceFile file, Path dir) throws IOException;

    /** Deletes the file at {@code path}; a file that is not there is fine. */
    Uni<Void> delete(String path);

    /**
     * Empty when the connector can be read and {@code prefix} can hold files, else why not (for
     * people: the missing bucket, the refused credentials, the unreachable endpoint, the missing root).
     */
    Uni<Optional<String>> problem(String prefix);

    /** {@link #problem(String)} for the whole connector. */
    default Uni<Optional<String>> problem() {
        return problem(null);
    }

    /** {@code name} inside the folder {@code prefix} ("customers/" + "_READY.dat" or "customers" + ...). */
    static String join(String prefix, String name) {
        String folder = folder(prefix);
        return folder.isEmpty() ? name : folder + "/" + name;
    }

    /** The folder a prefix names, without leading "./" or trailing slashes ("" for the root). */
    static String folder(String prefix) {
        String folder = prefix == null ? "" : prefix;
        while (folder.startsWith("./")) {
            folder = folder.substring(2);
        }
        while (folder.endsWith("/")) {
            folder = folder.substring(0, folder.length() - 1);
        }
        return folder.equals(".") ? "" : folder;
    }

    /** A predicate over file names for a glob such as {@code *.csv} ({@code null}: every name); 400 when malformed. */
    static Predicate<String> nameMatcher(String glob) {
        if (glob == null || glob.isEmpty()) {
            return name -> true;
        }
        PathMatcher matcher;
        try {
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (PatternSyntaxException e) {
            throw SluiceException.badRequest("InvalidPattern", "Invalid file name pattern '" + glob + "': "
                    + e.getDescription(), Map.of("pattern", glob));
        }
        return name -> {
            try {
                return matcher.matches(Path.of(name));
            } catch (InvalidPathException e) {
                return false;
            }
        };
    }
}
