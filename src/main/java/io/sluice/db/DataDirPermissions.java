package io.sluice.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Keeps the data directory out of other users' hands: nothing in it writable by group or others
 * (what is written there is executed, or holds the database and its password).
 */
final class DataDirPermissions {
    private DataDirPermissions() {
    }

    /**
     * Creates {@code dir} as rwx------ if missing; otherwise takes group and others' write permission
     * from it and from everything below it. Does nothing on a file system without POSIX permissions.
     */
    static void restrict(Path dir) {
        try {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                return;
            }
            try (Stream<Path> all = Files.walk(dir)) {
                all.filter(p -> !Files.isSymbolicLink(p)).forEach(DataDirPermissions::withoutOthersWrite);
            }
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to restrict.
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("Cannot restrict the permissions of " + dir, e);
        }
    }

    /** A secret's file: rw------- . */
    static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system.
        }
    }

    private static void withoutOthersWrite(Path p) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            if (perms.remove(PosixFilePermission.GROUP_WRITE) | perms.remove(PosixFilePermission.OTHERS_WRITE)) {
                Files.setPosixFilePermissions(p, perms);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
