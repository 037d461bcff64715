package io.sluice.source;

import static io.sluice.support.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.sluice.api.SluiceException;
import io.sluice.support.Api;
import io.sluice.support.S3ProxyResource;

/** {@link SourceStore} over a real S3-compatible server (s3proxy on 127.0.0.1). */
@QuarkusTest
@WithTestResource(S3ProxyResource.class)
class S3StoreTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int MANY = 1100;
    private static boolean seeded;

    @Inject
    SourceStores stores;
    @Inject
    ObjectMapper mapper;

    @BeforeEach
    void seed() {
        if (!seeded) {
            IntStream.range(0, MANY).forEach(i -> S3ProxyResource.put("many/part-%04d.csv".formatted(i), "id\n" + i + "\n"));
            S3ProxyResource.put("many/nested/deeper/notes.json", "{}");
            S3ProxyResource.put("many-more/other.csv", "id\n");
            S3ProxyResource.put("docs/readme.txt", "hello");
            seeded = true;
        }
    }

    @Test
    void listsEveryPageUnderAFolderSortedAndFilteredByName() {
        SourceStore store = store(S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET));
        List<SourceFile> csv = await(store.list("many/", "*.csv"));
        assertEquals(MANY, csv.size(), "more than one page of 1000 keys");
        assertEquals("many/part-0000.csv", csv.get(0).path());
        assertEquals("many/part-%04d.csv".formatted(MANY - 1), csv.get(MANY - 1).path());
        assertEquals(csv.stream().map(SourceFile::path).sorted().toList(), csv.stream().map(SourceFile::path).toList());
        assertEquals(5, csv.get(0).size());
        assertNotNull(csv.get(0).etag());
        assertNotNull(csv.get(0).lastModified());

        List<SourceFile> all = await(store.list("many", null));
        assertEquals(MANY + 1, all.size(), "recursive, and 'many' is a folder: 'many-more/' is not in it");
        assertEquals("many/nested/deeper/notes.json", all.get(0).path());
        assertEquals(List.of("many/nested/deeper/notes.json"),
                await(store.list("many/nested", "*.json")).stream().map(SourceFile::path).toList());
        assertTrue(await(store.list("", "*.txt")).stream().anyMatch(f -> f.path().equals("docs/readme.txt")));
        assertEquals(List.of(), await(store.list("nothing-here/", null)));
        SluiceException badGlob = assertThrows(SluiceException.class, () -> await(store.list("many", "[*.csv")));
        assertEquals("InvalidPattern", badGlob.errorCode());
    }

    @Test
    void statOpenDownloadAndDelete() throws IOException {
        SourceStore store = store(S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET));
        String key = "files/" + UUID.randomUUID() + "/data.csv";
        byte[] content = "id,email\n1,a@example.com\n2,b@example.com\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        S3ProxyResource.put(key, content);

        SourceFile file = await(store.stat(key)).orElseThrow();
        assertEquals(key, file.path());
        assertEquals(content.length, file.size());
        assertEquals("data.csv", file.name());
        assertEquals(Optional.empty(), await(store.stat("files/missing.csv")));
        assertEquals(file.etag(), await(store.list("files/", "data.csv")).stream()
                .filter(f -> f.path().equals(key)).findFirst().orElseThrow().etag());

        try (InputStream in = store.open(file)) {
            assertArrayEquals(content, in.readAllBytes());
        }
        try (InputStream in = store.open(file, 9, 1000)) {
            assertArrayEquals(java.util.Arrays.copyOfRange(content, 9, 1009), in.readAllBytes(), "a byte range");
        }
        try (InputStream in = store.open(file, content.length - 5, 5)) {
            assertArrayEquals(java.util.Arrays.copyOfRange(content, content.length - 5, content.length), in.readAllBytes());
        }
        Path dir = Files.createDirectories(Path.of("target", "s3-downloads"));
        Path downloaded;
        try (LocalCopy copy = store.download(file, dir)) {
            downloaded = copy.path();
            assertTrue(copy.temporary());
            assertTrue(downloaded.startsWith(dir));
            assertArrayEquals(content, Files.readAllBytes(downloaded));
        }
        assertFalse(Files.exists(downloaded), "closing a downloaded copy deletes it");

        SourceFile stale = new SourceFile(key, file.size(), "\"0123456789abcdef0123456789abcdef\"", file.lastModified());
        IOException changed = assertThrows(IOException.class, () -> store.open(stale).close());
        assertTrue(changed.getMessage().contains("changed since it was listed"), changed.getMessage());
        changed = assertThrows(IOException.class, () -> store.download(stale, dir).close());
        assertTrue(changed.getMessage().contains("changed since it was listed"), changed.getMessage());
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "a refused download leaves no file behind");
        }
        SourceFile missing = new SourceFile("files/missing.csv", 1, null, null);
        assertThrows(NoSuchFileException.class, () -> store.open(missing).close());
        assertThrows(NoSuchFileException.class, () -> store.download(missing, dir).close());

        await(store.delete(key));
        assertEquals(Optional.empty(), await(store.stat(key)));
        assertFalse(Files.exists(S3ProxyResource.object(key)));
        await(store.delete(key)); // already gone: fine
    }

    @Test
    void objectsWithStoreETagsArePinnedToTheListedVersion() throws IOException {
        SourceStore store = store(S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET));
        String key = "uploaded/" + UUID.randomUUID() + ".jsonl";
        S3ProxyResource.upload(key, "{\"id\":1}\n".getBytes(StandardCharsets.UTF_8));
        SourceFile listed = await(store.list("uploaded", "*.jsonl")).stream()
                .filter(f -> f.path().equals(key)).findFirst().orElseThrow();
        assertTrue(listed.etag().startsWith("\"") && listed.etag().length() > 30, "the store's MD5 ETag: " + listed.etag());
        assertEquals(listed.etag(), await(store.stat(key)).orElseThrow().etag());
        try (InputStream in = store.open(listed)) {
            assertEquals("{\"id\":1}\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        S3ProxyResource.upload(key, "{\"id\":2}\n".getBytes(StandardCharsets.UTF_8));
        IOException changed = assertThrows(IOException.class, () -> store.open(listed).close());
        assertTrue(changed.getMessage().contains("changed since it was listed"), changed.getMessage());
    }

    @Test
    void pathsOutsideTheBucketAreRefused() {
        SourceStore store = store(S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET));
        for (String path : new String[] {"../other-bucket/x.csv", "/etc/passwd", "many/../../x"}) {
            SluiceException e = assertThrows(SluiceException.class, () -> await(store.stat(path)));
            assertEquals("PathOutsideConnectorRoot", e.errorCode());
            assertEquals(400, e.status());
        }
    }

    @Test
    void problemSaysWhyABucketCannotBeRead() throws IOException {
        assertEquals(Optional.empty(), await(store(S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET)).problem()));

        String missing = "no-such-bucket-" + UUID.randomUUID().toString().substring(0, 8);
        SourceStore noBucket = store(S3ProxyResource.connectorConfig(missing));
        assertProblem(noBucket, "bucket '" + missing + "' does not exist");
        SluiceException listing = assertThrows(SluiceException.class, () -> await(noBucket.list("", null)));
        assertEquals(422, listing.status());
        assertEquals("ConnectorUnreachable", listing.errorCode());
        assertTrue(listing.getMessage().contains("does not exist"), listing.getMessage());

        Map<String, Object> wrongSecret = with(Map.of("secretAccessKeyEnv", S3ProxyResource.WRONG_SECRET_ENV));
        SourceStore denied = store(wrongSecret);
        String why = assertProblem(denied, "was denied");
        assertTrue(why.contains(S3ProxyResource.WRONG_SECRET_ENV), why);
        assertFalse(why.contains(S3ProxyResource.secret()), why);
        IOException reading = assertThrows(IOException.class,
                () -> denied.open(new SourceFile("many/part-0000.csv", 6, null, null)).close());
        assertTrue(reading.getMessage().contains("was denied"), reading.getMessage());

        String unset = "SLUICE_TEST_S3_UNSET_" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        assertProblem(store(with(Map.of("accessKeyIdEnv", unset))), "environment variable " + unset + " (config.accessKeyIdEnv) is not set");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertProblem(store(with(Map.of("endpoint", "http://127.0.0.1:" + closedPort))), "cannot be reached");
    }

    @Test
    void storesAreCachedUntilTheConnectorChanges() {
        Connector connector = connector("cached", S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET));
        SourceStore first = stores.of(connector);
        assertEquals(Optional.empty(), await(first.problem()));
        assertSame(first, stores.of(connector));

        connector.config = json(with(Map.of("bucket", "another-bucket")));
        SourceStore second = stores.of(connector);
        assertNotEquals(first, second);
        SluiceException closed = assertThrows(SluiceException.class, () -> await(first.list("many", null)));
        assertTrue(closed.getMessage().contains("configuration changed"), closed.getMessage());
        assertProblem(second, "bucket 'another-bucket' does not exist");
    }

    @Test
    void forConnectorAnswersOnTheCallersContext() {
        String name = Api.unique("probe");
        admin().body(Map.of("name", name, "type", "s3", "config", S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET)))
                .post("/api/v1/connectors").then().statusCode(201);
        admin().queryParam("prefix", "docs").get("/test-sources/" + name).then().statusCode(200)
                .body("problem", nullValue())
                .body("files", equalTo(List.of("docs/readme.txt")))
                .body("connectors", greaterThan(0));
        admin().get("/test-sources/" + Api.unique("nope")).then().statusCode(404)
                .body("error_code", equalTo("UnknownConnector"));
        String broken = Api.unique("broken");
        admin().body(Map.of("name", broken, "type", "s3", "config", S3ProxyResource.connectorConfig("missing-bucket")))
                .post("/api/v1/connectors").then().statusCode(201);
        admin().get("/test-sources/" + broken).then().statusCode(200)
                .body("problem", containsString("bucket 'missing-bucket' does not exist"))
                .body("connectors", greaterThan(0));
    }

    private static String assertProblem(SourceStore store, String expected) {
        String problem = await(store.problem()).orElseThrow(() -> new AssertionError("expected a problem: " + expected));
        assertTrue(problem.contains(expected), problem);
        return problem;
    }

    private static Map<String, Object> with(Map<String, Object> changes) {
        Map<String, Object> config = new HashMap<>(S3ProxyResource.connectorConfig(S3ProxyResource.BUCKET));
        config.putAll(changes);
        return config;
    }

    private SourceStore store(Map<String, Object> config) {
        return stores.of(connector("s3-" + UUID.randomUUID(), config));
    }

    private Connector connector(String name, Map<String, Object> config) {
        Connector c = new Connector();
        c.id = UUID.randomUUID();
        c.name = name;
        c.type = "s3";
        c.config = json(S3Settings.parse(config).toConfig());
        return c;
    }

    private String json(Map<String, Object> config) {
        try {
            return mapper.writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }
}
