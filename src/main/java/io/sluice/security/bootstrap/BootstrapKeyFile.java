package io.sluice.security.bootstrap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes the generated bootstrap admin key to a file only its owner can read.
 *
 * <p>The key goes into a new temporary file in the target's directory that is created with mode
 * 0600 (the permissions are part of the create call, so there is no moment at which the file is
 * readable by others), is flushed to disk, and then atomically renamed over the target. A reader
 * sees either the old file or the whole new one; an existing target (or a symlink planted there) is
 * replaced, never written through.
 */
public final class BootstrapKeyFile {
    static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    private BootstrapKeyFile() {
    }

    /** Writes {@code key} (plus a newline) to a new owner-only temporary file next to {@code target}. */
    public static Path stage(Path target, String key) throws IOException {
        Path dir = target.toAbsolutePath().normalize().getParent();
        Files.createDirectories(dir);
        String prefix = "." + target.getFileName() + "-";
        Path staged;
        if (Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null) {
            staged = Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
        } else {
            // Not a POSIX file system: the JDK's temp files are private to the user there as well.
            staged = Files.createTempFile(dir, prefix, ".tmp");
        }
        try (FileChannel out = FileChannel.open(staged, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap((key + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(staged);
            throw e;
        }
        return staged;
    }

    /** Moves a {@link #stage staged} file into place, replacing {@code target} atomically. */
    public static void publish(Path staged, Path target) throws IOException {
        Files.move(staged, target.toAbsolutePath().normalize(), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes a staged file that is not needed after all; never fails. */
    public static void discard(Path staged) {
        try {
            Files.deleteIfExists(staged);
        } catch (IOException e) {
            // Owner-only and holding a key that was never stored: harmless, but say where it is.
            org.jboss.logging.Logger.getLogger(BootstrapKeyFile.class).warnf("Could not delete %s: %s", staged,
                    e.getMessage());
        }
    }

    /** {@link #stage} then {@link #publish}. */
    public static void write(Path target, String key) throws IOException {
        publish(stage(target, key), target);
    }
}
