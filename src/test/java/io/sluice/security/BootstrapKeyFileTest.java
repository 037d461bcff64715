package io.sluice.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.security.apikey.ApiKeys;
import io.sluice.security.bootstrap.BootstrapKeyFile;

class BootstrapKeyFileTest {
    @TempDir
    Path dir;

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void writesTheKeyOwnerOnlyAndCreatesTheDirectory() throws IOException {
        Path file = dir.resolve("data/sub/bootstrap-admin.key");
        String key = ApiKeys.generate();
        BootstrapKeyFile.write(file, key);
        assertEquals(key + "\n", Files.readString(file));
        assertEquals("rw-------", mode(file));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void theStagedFileIsOwnerOnlyFromTheStart() throws IOException {
        Path file = dir.resolve("bootstrap-admin.key");
        Path staged = BootstrapKeyFile.stage(file, "k".repeat(20));
        assertEquals("rw-------", mode(staged));
        assertFalse(Files.exists(file));
        BootstrapKeyFile.discard(staged);
        assertFalse(Files.exists(staged));
    }

    @Test
    void replacesAWorldReadableFileWithAnOwnerOnlyOne() throws IOException {
        Path file = dir.resolve("bootstrap-admin.key");
        Files.writeString(file, "old key\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        String key = ApiKeys.generate();
        BootstrapKeyFile.write(file, key);
        assertEquals(key + "\n", Files.readString(file));
        assertEquals("rw-------", mode(file));
    }

    @Test
    void replacesASymlinkInsteadOfWritingThroughIt() throws IOException {
        Path victim = dir.resolve("victim.txt");
        Files.writeString(victim, "untouched");
        Path file = dir.resolve("bootstrap-admin.key");
        Files.createSymbolicLink(file, victim);
        BootstrapKeyFile.write(file, ApiKeys.generate());
        assertEquals("untouched", Files.readString(victim));
        assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS));
        assertEquals("rw-------", mode(file));
    }
}
