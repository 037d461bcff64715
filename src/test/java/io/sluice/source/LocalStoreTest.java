package io.sluice.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.sluice.api.SluiceException;

/** {@link SourceStore} over a local connector's root: listing, reading, and no way out of the root. */
@QuarkusTest
class LocalStoreTest {
    @Inject
    SourceStores stores;
    @TempDir
    Path tmp;

    Path root;
    Path outside;
    SourceStore store;

    @BeforeEach
    void files() throws IOException {
        root = Files.createDirectory(tmp.resolve("root"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        write(root.resolve("customers/2024/01.csv"), "id\n1\n");
        write(root.resolve("customers/2024/02.csv"), "id\n2\n");
        write(root.resolve("customers/_READY.dat"), "");
        write(root.resolve("customers-old/x.csv"), "id\n");
        write(outside.resolve("secret.csv"), "password\nhunter2\n");
        store = stores.of(connector(root));
    }

    @Test
    void listsRecursivelySortedWithPrefixAndGlob() {
        assertEquals(List.of("customers/2024/01.csv", "customers/2024/02.csv", "customers/_READY.dat"),
                paths(await(store.list("customers", null))));
        assertEquals(List.of("customers/2024/01.csv", "customers/2024/02.csv"), paths(await(store.list("customers/", "*.csv"))));
        assertEquals(4, await(store.list(null, null)).size());
        assertEquals(List.of(), await(store.list("nothing", null)));
        SourceFile first = await(store.list("customers/2024", "01.*")).get(0);
        assertEquals(5, first.size());
        assertEquals("01.csv", first.name());
    }

    @Test
    void statOpenDownloadDelete() throws IOException {
        String touch = SourceStore.join("customers/", "_READY.dat");
        assertEquals("customers/_READY.dat", touch);
        assertTrue(await(store.stat(touch)).isPresent());
        assertEquals(Optional.empty(), await(store.stat("customers/_MISSING.dat")));
        assertEquals(Optional.empty(), await(store.stat("customers")), "a directory is not a file");

        SourceFile file = await(store.stat("customers/2024/01.csv")).orElseThrow();
        try (InputStream in = store.open(file)) {
            assertArrayEquals("id\n1\n".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
        }
        try (InputStream in = store.open(file, 3, 1)) {
            assertArrayEquals("1".getBytes(StandardCharsets.UTF_8), in.readAllBytes(), "a byte range");
        }
        try (LocalCopy copy = store.download(file, tmp)) {
            assertFalse(copy.temporary());
            assertEquals(root.resolve("customers/2024/01.csv").toRealPath(), copy.path());
        }
        assertTrue(Files.exists(root.resolve("customers/2024/01.csv")), "closing the copy of a local file keeps it");

        write(root.resolve("customers/2024/01.csv"), "id\n1\n3\n");
        Files.setLastModifiedTime(root.resolve("customers/2024/01.csv"), FileTime.from(Instant.now().plusSeconds(5)));
        IOException changed = assertThrows(IOException.class, () -> store.open(file).close());
        assertTrue(changed.getMessage().contains("changed since it was listed"), changed.getMessage());

        await(store.delete(touch));
        assertFalse(Files.exists(root.resolve(touch)));
        await(store.delete(touch));
        SluiceException directory = assertThrows(SluiceException.class, () -> await(store.delete("customers")));
        assertEquals(400, directory.status());
    }

    @Test
    void symbolicLinksOutOfTheRootAreRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("customers/escape.csv"), outside.resolve("secret.csv"));
        Files.createSymbolicLink(root.resolve("customers/elsewhere"), outside);
        Files.createSymbolicLink(root.resolve("linked"), root.resolve("customers/2024"));

        assertEquals(List.of("customers/2024/01.csv", "customers/2024/02.csv", "customers/_READY.dat"),
                paths(await(store.list("customers", null))), "links leading out are left out of listings");
        assertEquals(List.of("linked/01.csv", "linked/02.csv"), paths(await(store.list("linked", null))),
                "a link inside the root is followed");
        for (String path : List.of("customers/escape.csv", "customers/elsewhere/secret.csv", "../" + outside.getFileName() + "/secret.csv",
                outside.resolve("secret.csv").toString())) {
            assertOutside(() -> await(store.stat(path)));
            assertOutside(() -> store.open(new SourceFile(path, 0, null, null)));
            assertOutside(() -> store.open(new SourceFile(path, 0, null, null), 0, 1));
            assertOutside(() -> store.download(new SourceFile(path, 0, null, null), tmp));
            assertOutside(() -> await(store.delete(path)));
        }
        assertOutside(() -> await(store.list("customers/elsewhere", null)));
        assertTrue(Files.exists(outside.resolve("secret.csv")));
        assertTrue(await(store.problem("customers/elsewhere")).orElseThrow().contains("leads outside"));
    }

    @Test
    void problemWhenTheRootIsGoneOrThePrefixIsAFile() throws IOException {
        assertEquals(Optional.empty(), await(store.problem("customers/")));
        assertEquals(Optional.empty(), await(store.problem("not-yet-created/")));
        assertTrue(await(store.problem("customers/_READY.dat")).orElseThrow().contains("is not a directory"));
        Path gone = Files.createDirectory(tmp.resolve("gone"));
        SourceStore vanished = stores.of(connector(gone));
        Files.delete(gone);
        assertTrue(await(vanished.problem()).orElseThrow().contains("is not a readable directory"));
    }

    private static void assertOutside(org.junit.jupiter.api.function.Executable call) {
        SluiceException e = assertThrows(SluiceException.class, call);
        assertEquals("PathOutsideConnectorRoot", e.errorCode());
        assertEquals(400, e.status());
    }

    private static Connector connector(Path root) {
        Connector c = new Connector();
        c.id = UUID.randomUUID();
        c.name = "local-" + c.id;
        c.type = "local";
        c.config = "{\"root\":\"" + realPath(root).replace("\\", "\\\\") + "\"}";
        return c;
    }

    private static String realPath(Path dir) {
        try {
            return dir.toRealPath().toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> paths(List<SourceFile> files) {
        return files.stream().map(SourceFile::path).toList();
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(30));
    }
}
