package io.sluice.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.sluice.TestAuth;

/** HTTP helpers for pipeline tests: an admin JSON request, unique names, connectors, waiting for a status. */
public final class Api {
    private Api() {
    }

    public static RequestSpecification admin() {
        return TestAuth.asAdmin().contentType(ContentType.JSON);
    }

    public static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A local connector over a fresh temporary directory; returns its name. */
    public static String localConnector(Path root) {
        String name = unique("inbox");
        admin().body(Map.of("name", name, "type", "local", "config", Map.of("root", root.toString())))
                .post("/api/v1/connectors").then().statusCode(201);
        return name;
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("sluice-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory and everything in it; nothing when it does not exist. */
    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonPath pipeline(String name) {
        return admin().get("/v0/pipelines/" + name).then().statusCode(200).extract().jsonPath();
    }

    /** Polls GET /v0/pipelines/{name} until the predicate holds (30 s at most). */
    public static JsonPath awaitPipeline(String name, Predicate<JsonPath> condition) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> pipeline(name), condition::test);
    }

    public static Predicate<JsonPath> resources(String status) {
        return p -> status.equals(p.getString("deployment_resources_status"));
    }
}
