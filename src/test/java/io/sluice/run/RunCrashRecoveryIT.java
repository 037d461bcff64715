package io.sluice.run;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.sluice.support.Api;
import io.sluice.support.PackagedSluice;

/**
 * Processes killed in the middle of runs, end to end on the packaged application
 * ({@code target/quarkus-app/quarkus-run.jar}, run by failsafe after {@code package}): Sluice runs
 * as a child JVM on a fresh data directory with small batches; it is killed ({@code kill -9}) while an
 * append and a replace run load; a new process on the same data directory (which stops the
 * PostgreSQL the killed one left behind) takes both runs over once their leases expire and goes on
 * from their checkpoints (the replace run in its staging table); a run stopped by SIGTERM is
 * released by the stopping process and taken up by the next; each table then holds each valid row
 * of its source exactly once, and no run needed a retry.
 */
class RunCrashRecoveryIT {
    private static final String KEY = "sluice-it-admin-" + UUID.randomUUID();
    /** Appended: two files on two partitions, 400,000 rows: several seconds of loading in 1000-row batches. */
    private static final List<SourceRows> APPEND_FILES = List.of(new SourceRows(1, 200_000, 1000),
            new SourceRows(200_001, 400_000, 1000));
    /** Loaded by a replace pipeline at the same time. */
    private static final List<SourceRows> REPLACE_FILES = List.of(new SourceRows(1, 150_000, 1000));
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private Path work;
    private final long began = System.nanoTime();
    private final List<Sluice> processes = new ArrayList<>();

    @BeforeEach
    void workDirectory() throws IOException {
        Path build = Path.of(System.getProperty("sluice.it.build-dir", "target")).toAbsolutePath();
        work = Files.createTempDirectory(Files.createDirectories(build), "crash-it-");
    }

    @AfterEach
    void stopEverythingAndDelete() {
        processes.forEach(Sluice::stop);
        stopPostgresOf(work.resolve("data"));
        Api.deleteRecursively(work);
    }

    @Test
    void runsInterruptedByAKilledOrStoppedProcessAreResumedAndLoadEveryValidRowOnce() throws Exception {
        write("big", APPEND_FILES);
        write("small", REPLACE_FILES);
        long total = SourceRows.totalRows(APPEND_FILES);
        long invalid = SourceRows.invalidRows(APPEND_FILES);
        Path data = work.resolve("data");
        phase("sources written");

        Sluice first = start(data, 1);
        phase("first process ready");
        assertJsonLogLines(first.log());
        first.api().body(Map.of("name", "inbox", "type", "local", "config", Map.of("root", work.resolve("inbox").toString())))
                .post("/api/v1/connectors").then().statusCode(201);
        String append = pipeline(first, "crash_append", "crash_t", "big/", "append", 2);
        String replace = pipeline(first, "crash_replace", "crash_r", "small/", "replace", 1);
        String stopped = pipeline(first, "stop_append", "stop_t", "big/", "append", 1);
        String appendRun = first.api().post(append).then().statusCode(201).extract().path("id");
        first.api().post(append).then().statusCode(409).body("error_code", equalTo("RunInProgress"));
        String replaceRun = first.api().post(replace).then().statusCode(201).extract().path("id");

        JsonPath loading = first.await(Duration.ofSeconds(60), append + appendRun + "/progress",
                p -> p.getLong("processedRows") >= 10_000 && p.get("totalRows") != null || ended(p));
        JsonPath replacing = first.await(Duration.ofSeconds(60), replace + replaceRun + "/progress",
                p -> p.getLong("processedRows") >= 5_000 || ended(p));
        assertEquals(total, loading.getLong("totalRows"));
        first.kill();
        phase("killed at " + loading.getLong("processedRows") + " + " + replacing.getLong("processedRows") + " processed rows");
        assertEquals("running", loading.getString("status"), "still loading when killed: " + loading.prettify());
        assertEquals("running", replacing.getString("status"), "still loading when killed: " + replacing.prettify());

        Sluice second = start(data, 2);
        phase("second process ready");
        String stopRun;
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgresPort(data)
                + "/postgres", "postgres", java.nio.file.Files.readString(data.resolve("postgres.password")).strip())) {
            // Nobody retries: the next process takes the runs over once their leases expire, and the
            // same runs go on from their checkpoints (the replace run in its staging table).
            JsonPath done = second.await(Duration.ofSeconds(120), append + appendRun, RunCrashRecoveryIT::ended);
            JsonPath replaced = second.await(Duration.ofSeconds(120), replace + replaceRun, RunCrashRecoveryIT::ended);
            phase("taken-over runs ended " + done.getString("status") + ", " + replaced.getString("status"));
            assertEquals("completed_with_errors", done.getString("status"), done.prettify());
            assertEquals(total, done.getLong("processedRows"));
            assertEquals(invalid, done.getLong("failedRows"), "each invalid row reported once");
            assertTrue(done.getList("log.message", String.class).stream().anyMatch(m -> m.contains("taken over by")),
                    "the run's log says it was taken over: " + done.prettify());
            int errors = second.api().get(append + appendRun + "/errors").then().statusCode(200).extract().path("total");
            assertEquals(invalid, errors, "row errors neither lost nor doubled");
            SourceRows.assertTableHolds(db, "sluice_data.crash_t", total - invalid, validIdSum(APPEND_FILES));
            assertEquals(total - invalid, count(db, "SELECT count(DISTINCT id) FROM sluice_data.crash_t"));

            assertEquals("completed_with_errors", replaced.getString("status"), replaced.prettify());
            assertEquals(SourceRows.invalidRows(REPLACE_FILES), replaced.getLong("failedRows"));
            SourceRows.assertTableHolds(db, "sluice_data.crash_r",
                    SourceRows.totalRows(REPLACE_FILES) - SourceRows.invalidRows(REPLACE_FILES), validIdSum(REPLACE_FILES));
            assertEquals(0, count(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'sluice_data'"
                    + " AND tablename LIKE '\\_sluice\\_stage\\_%'"), "no staging table left behind");

            // SIGTERM mid-run: the stopping process releases the run's leases after its last batch,
            // and the next process goes on with the same run.
            stopRun = second.api().post(stopped).then().statusCode(201).extract().path("id");
            second.await(Duration.ofSeconds(60), stopped + stopRun + "/progress", p -> p.getLong("processedRows") >= 10_000 || ended(p));
            second.stop();
            phase("second process stopped (SIGTERM)");
            // (its embedded PostgreSQL stopped with it: the log says what it did)
            String log = Files.readString(second.log());
            assertTrue(log.contains("handed over at shutdown"), "the stopping process released its run's leases");
        } catch (AssertionError | SQLException | RuntimeException e) {
            processes.forEach(Sluice::printLog);
            throw e;
        }

        Sluice third = start(data, 3);
        phase("third process ready");
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgresPort(data)
                + "/postgres", "postgres", java.nio.file.Files.readString(data.resolve("postgres.password")).strip())) {
            JsonPath resumed = third.await(Duration.ofSeconds(120), stopped + stopRun, RunCrashRecoveryIT::ended);
            assertEquals("completed_with_errors", resumed.getString("status"), resumed.prettify());
            assertEquals(total, resumed.getLong("processedRows"));
            assertEquals(total - invalid, count(db, "SELECT count(*) FROM sluice_data.stop_t"));
            assertEquals(total - invalid, count(db, "SELECT count(DISTINCT id) FROM sluice_data.stop_t"));
            assertEquals(1, count(db, "SELECT count(*) FROM sluice.run r JOIN sluice.pipeline p ON p.id = r.pipeline_id"
                    + " WHERE p.name = 'stop_append'"), "the same run went on: no retry was needed");
            phase("stopped run went on: " + resumed.getString("status"));
        } catch (AssertionError | SQLException | RuntimeException e) {
            processes.forEach(Sluice::printLog);
            throw e;
        }
    }

    private void write(String folder, List<SourceRows> files) throws IOException {
        Path dir = Files.createDirectories(work.resolve("inbox").resolve(folder));
        for (int i = 0; i < files.size(); i++) {
            files.get(i).writeText("csv", dir.resolve("part-" + i + ".csv"));
        }
    }

    /** Creates a pipeline over the inbox connector and waits for its program; returns its runs' path. */
    private static String pipeline(Sluice sluice, String name, String table, String prefix, String strategy, int partitions) {
        sluice.api().body(Map.of(
                "program_code", SourceRows.table(table, false),
                "source", Map.of("connector", "inbox", "prefix", prefix, "format", "csv"),
                "load_strategy", strategy, "partitions", partitions,
                "validation", Map.of("email", List.of(Map.of("rule", "email")))))
                .put("/v0/pipelines/" + name).then().statusCode(201);
        String id = sluice.await(Duration.ofSeconds(60), "/v0/pipelines/" + name,
                p -> "Success".equals(p.getString("program_status"))).getString("id");
        return "/api/v1/pipelines/" + id + "/runs/";
    }

    private static long validIdSum(List<SourceRows> files) {
        return files.stream().mapToLong(f -> f.ids().filter(f::valid).sum()).sum();
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (var statement = db.createStatement(); var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private void phase(String what) {
        System.out.printf("[%s] %5.1f s: %s%n", getClass().getSimpleName(), (System.nanoTime() - began) / 1e9, what);
    }

    /**
     * The packaged application logs JSON objects when asked (the container images ask). Quarkus answers its
     * readiness check a moment before it writes its start-up line, so the line is awaited, not assumed.
     */
    private static void assertJsonLogLines(Path log) throws IOException {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(log).contains("started in"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the assertions below say what is missing
        }
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("{")) {
                lines.add(mapper.readTree(line));
            }
        }
        assertTrue(lines.size() >= 5, "JSON log lines: " + lines.size());
        assertTrue(lines.stream().allMatch(l -> l.hasNonNull("timestamp") && l.hasNonNull("level") && l.hasNonNull("message")
                && l.hasNonNull("loggerName")), "every line has timestamp, level, loggerName and message");
        assertTrue(lines.stream().anyMatch(l -> l.get("message").asText().contains("started in")), "Quarkus' start-up line");
    }

    private static boolean ended(JsonPath run) {
        return !List.of("pending", "running").contains(run.getString("status"));
    }

    private Sluice start(Path data, int n) throws IOException {
        Sluice sluice = Sluice.start(work, data, "sluice-" + n + ".log");
        processes.add(sluice);
        return sluice;
    }

    /** The port of the embedded PostgreSQL: line 4 of its postmaster.pid. */
    private static int postgresPort(Path data) throws IOException {
        return Integer.parseInt(Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(3).strip());
    }

    /** A server left by a killed process or a failed test: stopped ("smart", then killed). */
    private static void stopPostgresOf(Path data) {
        Path pidFile = data.resolve("postgres/postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            Optional<ProcessHandle> server = ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile).get(0).strip()));
            server.filter(ProcessHandle::isAlive).ifPresent(p -> {
                p.destroy();
                try {
                    p.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
        } catch (IOException | RuntimeException e) {
            System.err.println("Could not stop the PostgreSQL of " + data + ": " + e);
        }
    }

    /** One Sluice process: the packaged application in a child JVM, with small batches and short leases. */
    private record Sluice(PackagedSluice app) {

        static Sluice start(Path workDir, Path data, String logName) throws IOException {
            return new Sluice(PackagedSluice.start(workDir, logName, KEY, Map.of(
                    "SLUICE_DATA_DIR", data.toString(),
                    "SLUICE_RUN_BATCH_SIZE", "1000",
                    "SLUICE_RUN_HEARTBEAT_TIMEOUT", "5s",
                    "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true"))); // as the container images do
        }

        Path log() {
            return app.log();
        }

        RequestSpecification api() {
            return given().baseUri(app.baseUri()).auth().oauth2(KEY).contentType(ContentType.JSON);
        }

        /** Polls GET {@code path} until the condition holds, and returns the last response. */
        JsonPath await(Duration atMost, String path, Predicate<JsonPath> condition) {
            try {
                return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                        .until(() -> api().get(path).then().statusCode(200).extract().jsonPath(), condition::test);
            } catch (RuntimeException e) {
                printLog();
                throw e;
            }
        }

        /** kill -9. */
        void kill() throws InterruptedException {
            app.kill();
        }

        /** An orderly stop (SIGTERM), else kill -9. */
        void stop() {
            app.close();
        }

        void printLog() {
            app.printLog();
        }
    }
}
