package io.sluice.metrics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.sluice.support.Api;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}) as a container runs it,
 * configured by environment alone: {@code SLUICE_HTTP_ROOT_PATH=/api/pinot} serves the API, health,
 * metrics and the OpenAPI document (with its servers URL) under the prefix and nothing outside it;
 * {@code /q/metrics} lists the Sluice meters, and a small local-file run moves them. One process for
 * both tests (starting one costs seconds).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsIT {
    private static final String KEY = "sluice-it-admin-" + UUID.randomUUID();
    private static final String PREFIX = "/api/pinot";
    private static final int ROWS = 40;
    private static final int INVALID = 3;

    private Path work;
    private Process process;
    private String base;

    @BeforeAll
    void start() throws IOException {
        Path build = Path.of(System.getProperty("sluice.it.build-dir", "target")).toAbsolutePath();
        work = Files.createTempDirectory(Files.createDirectories(build), "operations-it-");
        Path jar = Path.of(System.getProperty("sluice.it.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is missing: run ./mvnw verify (which packages before this test)");
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString())
                .directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("sluice.log").toFile()));
        Map<String, String> env = builder.environment();
        env.put("SLUICE_DATA_DIR", work.resolve("data").toString());
        env.put("SLUICE_AUTH_BOOTSTRAP_KEY", KEY);
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("SLUICE_HTTP_ROOT_PATH", PREFIX);
        env.put("SLUICE_METRICS_STATE_REFRESH", "1s");
        process = builder.start();
        base = "http://127.0.0.1:" + port;
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Sluice exited with " + process.exitValue() + ": " + log());
                    }
                    return given().baseUri(base).get(PREFIX + "/q/health/ready").statusCode() == 200;
                });
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        Api.deleteRecursively(work);
    }

    @Test
    void theRunTimePrefixServesEverythingUnderItAndNothingOutsideIt() {
        api().get(PREFIX + "/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        api().get(PREFIX + "/q/health/live").then().statusCode(200);
        api().get(PREFIX + "/q/openapi?format=json").then().statusCode(200)
                .body("servers[0].url", equalTo(PREFIX)).body("paths", org.hamcrest.Matchers.hasKey("/tasks/schedule"));
        // The resource answers (its own 404 for an unknown table), not the prefix' 404
        api().body(Map.of("taskType", "ExternalTableSyncTask", "tableName", "nothing_here"))
                .post(PREFIX + "/tasks/schedule").then().statusCode(404).body("error_code", equalTo("TableNotFound"));
        api().get(PREFIX + "/v0/pipelines").then().statusCode(200);
        for (String outside : List.of("/q/health/ready", "/v0/pipelines", "/q/openapi", "/q/metrics", "/api/pinotx/v0/pipelines")) {
            api().get(outside).then().statusCode(404).body("error_code", equalTo("NotFound"));
        }
    }

    @Test
    void metricsListTheSluiceMetersAndMoveDuringARun() throws Exception {
        String before = metrics();
        for (String meter : List.of("sluice_runs_active", "sluice_runs_queued", "sluice_leader 1.0",
                "sluice_zookeeper_connected 1.0", "sluice_monitor_events_written_total",
                "scheduled_methods_seconds_count{class=\"io.sluice.pipeline.Reconciler\"",
                "scheduled_methods_seconds_count{class=\"io.sluice.pipeline.Monitor\"", "http_server_requests_seconds_count")) {
            assertTrue(before.contains(meter), meter + " in\n" + before);
        }
        assertTrue(!before.contains("pipeline=\"ops_metrics\""), "no series of the pipeline before its first run");

        Path inbox = Files.createDirectories(work.resolve("inbox/people"));
        StringBuilder csv = new StringBuilder("id,email\n");
        for (int i = 1; i <= ROWS; i++) {
            csv.append(i).append(',').append(i <= INVALID ? "not-an-email" : "p" + i + "@example.com").append('\n');
        }
        Files.writeString(inbox.resolve("people.csv"), csv);
        long size = Files.size(inbox.resolve("people.csv"));
        api().body(Map.of("name", "inbox", "type", "local", "config", Map.of("root", work.resolve("inbox").toString())))
                .post(PREFIX + "/api/v1/connectors").then().statusCode(201);
        api().body(Map.of("program_code", "CREATE TABLE ops_metrics (id BIGINT PRIMARY KEY, email TEXT NOT NULL)",
                "source", Map.of("connector", "inbox", "prefix", "people/", "format", "csv"),
                "load_strategy", "append", "validation", Map.of("email", List.of(Map.of("rule", "email")))))
                .put(PREFIX + "/v0/pipelines/ops_metrics").then().statusCode(201)
                .header("Location", endsWith(PREFIX + "/v0/pipelines/ops_metrics"));
        String id = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> api().get(PREFIX + "/v0/pipelines/ops_metrics").then().statusCode(200).extract().jsonPath(),
                        p -> "Success".equals(p.getString("program_status"))).getString("id");
        String runs = PREFIX + "/api/v1/pipelines/" + id + "/runs/";
        String run = api().post(runs).then().statusCode(201).extract().path("id");
        String status = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> api().get(runs + run).then().statusCode(200).extract().<String>path("status"),
                        s -> !List.of("pending", "running").contains(s));
        assertEquals("completed_with_errors", status);

        String after = metrics();
        String pipeline = "{pipeline=\"ops_metrics\"}";
        assertEquals(ROWS - INVALID, value(after, "sluice_run_rows_loaded_total" + pipeline), 0.0);
        assertEquals(INVALID, value(after, "sluice_run_rows_failed_total" + pipeline), 0.0);
        assertEquals(0, value(after, "sluice_run_rows_skipped_total" + pipeline), 0.0);
        assertEquals(size, value(after, "sluice_run_bytes_read_total" + pipeline), 0.0);
        String outcome = "{pipeline=\"ops_metrics\",status=\"completed_with_errors\"}";
        assertEquals(1, value(after, "sluice_runs_finished_total" + outcome), 0.0);
        assertEquals(1, value(after, "sluice_run_duration_seconds_count" + outcome), 0.0);
        assertTrue(value(after, "sluice_run_duration_seconds_sum" + outcome) > 0);
        assertTrue(after.contains("sluice_run_duration_seconds_bucket{pipeline=\"ops_metrics\",status=\"completed_with_errors\",le="),
                "a histogram of run durations");
        // Monitor events were written for the pipeline's provisioning (PostgreSQL's insert count, refreshed every second)
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> value(metrics(), "sluice_monitor_events_written_total") > 0);
    }

    private RequestSpecification api() {
        return given().baseUri(base).auth().oauth2(KEY).contentType(ContentType.JSON);
    }

    /** Scraped without a token, as Prometheus does. */
    private String metrics() {
        return given().baseUri(base).get(PREFIX + "/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertTrue(m.find(), series + " in\n" + scrape);
        return Double.parseDouble(m.group(1));
    }

    private String log() {
        try {
            return Files.readString(work.resolve("sluice.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
