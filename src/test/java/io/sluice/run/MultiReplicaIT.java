package io.sluice.run;

import static io.restassured.RestAssured.given;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.sluice.coordination.EmbeddedZooKeeper;
import io.sluice.db.TestPostgresServer;
import io.sluice.support.Api;
import io.sluice.support.PackagedSluice;

/**
 * Three replicas of the packaged application ({@code target/quarkus-app/quarkus-run.jar}) on one
 * PostgreSQL and one ZooKeeper, all started here on 127.0.0.1, and what happens to runs when a
 * replica dies, freezes or PostgreSQL or ZooKeeper restart: each run completes by itself (nobody
 * calls /retry) and its table then holds exactly the source's rows, once ({@code count(*)} and
 * {@code count(DISTINCT id)}). Takeover times are printed for the benchmarks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiReplicaIT {
    private static final String KEY = "sluice-it-admin-" + UUID.randomUUID();
    private static final int REPLICAS = 3;
    private static final SourceRows BIG = new SourceRows(1, 1_000_000, 0);
    private static final SourceRows SMALL = new SourceRows(1, 20_000, 0);

    private final long began = System.nanoTime();
    private Path work;
    private TestPostgresServer postgres;
    private EmbeddedZooKeeper zookeeper;
    private final PackagedSluice[] replicas = new PackagedSluice[REPLICAS];

    @BeforeAll
    void cluster() throws Exception {
        Path build = Path.of(System.getProperty("sluice.it.build-dir", "target")).toAbsolutePath();
        work = Files.createTempDirectory(Files.createDirectories(build), "replicas-it-");
        postgres = TestPostgresServer.start(work.resolve("pg"));
        zookeeper = EmbeddedZooKeeper.start(work.resolve("zk"));
        BIG.writeText("csv", Files.createDirectories(work.resolve("inbox/big")).resolve("rows.csv"));
        SMALL.writeText("csv", Files.createDirectories(work.resolve("inbox/small")).resolve("rows.csv"));
        for (int i = 0; i < REPLICAS; i++) {
            start(i);
        }
        phase("3 replicas ready");
        api(0).body(Map.of("name", "inbox", "type", "local", "config", Map.of("root", work.resolve("inbox").toString())))
                .post("/api/v1/connectors").then().statusCode(201);
    }

    @AfterAll
    void stopEverything() throws IOException {
        for (PackagedSluice r : replicas) {
            if (r != null) {
                List<String> errors = r.errorLines();
                System.out.printf("[%s] %s: %d ERROR line(s)%n", getClass().getSimpleName(), r.log(), errors.size());
                errors.stream().limit(10).forEach(System.out::println);
            }
        }
        for (PackagedSluice r : replicas) {
            if (r != null) {
                r.close();
            }
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        Api.deleteRecursively(work);
    }

    @Test
    @Order(1)
    void killingTheReplicaLoadingAnAppendRunOnTwoPartitionsHandsThemOver() throws Exception {
        killTheLoaderMidRun("kill_append", "append", 2, false);
    }

    @Test
    @Order(2)
    void killingTheReplicaLoadingAnUpsertRunHandsItOver() throws Exception {
        killTheLoaderMidRun("kill_upsert", "upsert", 1, true);
    }

    @Test
    @Order(2)
    void killingTheReplicaLoadingAnAppendRunOnOnePartitionHandsItOver() throws Exception {
        killTheLoaderMidRun("kill_append_one", "append", 1, false);
    }

    @Test
    @Order(2)
    void killingTheReplicaLoadingAnUpsertRunOnTwoPartitionsHandsThemOver() throws Exception {
        killTheLoaderMidRun("kill_upsert_two", "upsert", 2, true);
    }

    @Test
    @Order(3)
    void killingTheLeaderElectsAnotherWithinTenSeconds() throws Exception {
        int leader = leader().orElseThrow(() -> new AssertionError("no leader"));
        long killed = System.nanoTime();
        replicas[leader].kill();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> leader().filter(l -> l != leader).isPresent());
        phase("new leader " + (System.nanoTime() - killed) / 1_000_000 + " ms after kill -9 of the leader");
        start(leader);
    }

    @Test
    @Order(4)
    void aFrozenReplicaThawedAfterItsLeaseExpiredAddsNoRow() throws Exception {
        String runs = pipeline("frozen", "frozen_t", "big/", "append", 1, false);
        String run = api(0).post(runs).then().statusCode(201).extract().path("id");
        awaitRun(0, runs + run + "/progress", p -> p.getLong("processedRows") >= 100_000 || ended(p));
        int holder = holderOf(run);
        replicas[holder].signal("STOP");
        long frozen = System.nanoTime();
        phase("froze replica " + holder);
        try {
            JsonPath done = awaitRun(other(holder), runs + run, MultiReplicaIT::ended);
            assertEquals("completed", done.getString("status"), done.prettify());
            phase("run completed elsewhere " + (System.nanoTime() - frozen) / 1_000_000 + " ms after the freeze");
        } finally {
            replicas[holder].signal("CONT");
        }
        // The thawed replica finds its lease gone (its next batch's transaction fails on the fence, or
        // its heartbeat finds the lease another replica's) and stops.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(replicas[holder].log()).matches("(?s).*(was taken over by another replica"
                        + "|its lease was not renewed in time|lease on it was not renewed).*"));
        // ... and commits nothing more: the table stays exact throughout the next seconds.
        Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> count("SELECT count(*) FROM sluice_data.frozen_t") == BIG.count());
        assertExactly("frozen_t", BIG.count());
        assertEquals(1, count("SELECT count(*) FROM sluice.run r JOIN sluice.pipeline p ON p.id = r.pipeline_id"
                + " WHERE p.name = 'frozen'"), "one run, not resumed by a second one");
    }

    @Test
    @Order(5)
    void twentyConcurrentTriggersAcrossReplicasMakeOneRun() throws Exception {
        String runs = pipeline("concurrent", "concurrent_t", "small/", "append", 1, false);
        ExecutorService callers = Executors.newFixedThreadPool(20);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int replica = i % REPLICAS;
            answers.add(callers.submit(() -> api(replica).post(runs).then().extract().statusCode()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> a : answers) {
            statuses.add(a.get());
        }
        callers.shutdown();
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "statuses: " + statuses);
        assertEquals(19, statuses.stream().filter(s -> s == 409).count(), "statuses: " + statuses);
        String run = api(0).get(runs).then().statusCode(200).extract().path("runs[0].id");
        assertEquals("completed", awaitRun(1, runs + run, MultiReplicaIT::ended).getString("status"));
        assertExactly("concurrent_t", SMALL.count());
    }

    @Test
    @Order(6)
    void aRunGoesOnByItselfAfterPostgresRestarts() throws Exception {
        String runs = pipeline("pg_restart", "pg_restart_t", "big/", "append", 2, false);
        String run = api(0).post(runs).then().statusCode(201).extract().path("id");
        awaitRun(0, runs + run + "/progress", p -> p.getLong("processedRows") >= 100_000 || ended(p));
        postgres.stop();
        phase("PostgreSQL stopped");
        // Meanwhile the API answers 503 with Retry-After (or what it can from memory), never 500.
        List<String> answers = new ArrayList<>();
        List<Integer> readiness = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < until) {
            for (int i = 0; i < REPLICAS; i++) {
                var response = api(i).get(runs + run).then().extract();
                answers.add(response.statusCode() + (response.statusCode() == 503 ? "/" + response.header("Retry-After") : ""));
                readiness.add(given().baseUri(replicas[i].baseUri()).get("/q/health/ready").then().extract().statusCode());
            }
            Thread.sleep(100);
        }
        postgres.start();
        phase("PostgreSQL started again; answers meanwhile: " + new java.util.TreeSet<>(answers));
        assertTrue(answers.stream().allMatch(a -> a.equals("200") || a.equals("503/5")), "answers during the outage: " + answers);
        assertTrue(answers.contains("503/5"), "the outage was seen: " + answers);
        assertTrue(readiness.contains(503), "readiness reflects the outage: " + readiness);
        JsonPath done = awaitRun(1, runs + run, MultiReplicaIT::ended);
        assertEquals("completed", done.getString("status"), done.prettify());
        assertExactly("pg_restart_t", BIG.count());
        for (PackagedSluice r : replicas) {
            assertTrue(r.isAlive(), "every replica survived the outage");
        }
    }

    @Test
    @Order(7)
    void aRunGoesOnByItselfWhileZooKeeperRestarts() throws Exception {
        String runs = pipeline("zk_restart", "zk_restart_t", "big/", "append", 2, false);
        String run = api(0).post(runs).then().statusCode(201).extract().path("id");
        awaitRun(0, runs + run + "/progress", p -> p.getLong("processedRows") >= 100_000 || ended(p));
        int port = zookeeper.port();
        zookeeper.close();
        phase("ZooKeeper stopped");
        // Down until every replica noticed (readiness reports ZooKeeper), not for a guessed time.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> java.util.Arrays.stream(replicas).allMatch(r -> given().baseUri(r.baseUri())
                        .get("/q/health/ready").then().extract().statusCode() == 503));
        phase("every replica reports ZooKeeper down");
        zookeeper = EmbeddedZooKeeper.start(work.resolve("zk"), port);
        phase("ZooKeeper started again");
        JsonPath done = awaitRun(2, runs + run, MultiReplicaIT::ended);
        assertEquals("completed", done.getString("status"), done.prettify());
        assertExactly("zk_restart_t", BIG.count());
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> leader().isPresent());
    }

    private void killTheLoaderMidRun(String name, String strategy, int partitions, boolean key) throws Exception {
        String runs = pipeline(name, name + "_t", "big/", strategy, partitions, key);
        String run = api(0).post(runs).then().statusCode(201).extract().path("id");
        awaitRun(0, runs + run + "/progress", p -> p.getLong("processedRows") >= 150_000 || ended(p));
        int holder = holderOf(run);
        long before = count("SELECT coalesce(sum(rows), 0) FROM sluice.run_partition WHERE run_id = '" + run + "'");
        replicas[holder].kill();
        long killed = System.nanoTime();
        phase("killed replica " + holder + " at " + before + " rows");
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> count("SELECT count(*) FROM sluice.run_partition WHERE run_id = '" + run
                        + "' AND status = 'running' AND claimed_by LIKE '%/" + replicas[holder].pid() + "/%'") == 0);
        phase("partitions taken over " + (System.nanoTime() - killed) / 1_000_000 + " ms after kill -9");
        JsonPath done = awaitRun(other(holder), runs + run, MultiReplicaIT::ended);
        assertEquals("completed", done.getString("status"), done.prettify());
        assertEquals(BIG.count(), done.getLong("processedRows"));
        assertExactly(name + "_t", BIG.count());
        List<String> log = done.getList("log.message", String.class);
        assertTrue(log.stream().anyMatch(m -> m.contains("taken over by")), "the run's log says who took over: " + log);
        start(holder);
    }

    // ---------------------------------------------------------------- helpers

    private void start(int i) throws IOException {
        Path dir = Files.createDirectories(work.resolve("replica-" + i + "-" + System.nanoTime()));
        replicas[i] = PackagedSluice.start(dir, KEY, Map.of(
                "QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://127.0.0.1:" + postgres.port() + "/postgres",
                "QUARKUS_DATASOURCE_USERNAME", "postgres",
                "QUARKUS_DATASOURCE_PASSWORD", postgres.password(),
                "SLUICE_ZOOKEEPER_CONNECT", zookeeper.connectString(),
                "SLUICE_RUN_BATCH_SIZE", "2000"));
    }

    private RequestSpecification api(int replica) {
        return given().baseUri(replicas[replica].baseUri()).auth().oauth2(KEY).contentType(ContentType.JSON);
    }

    private int other(int replica) {
        return (replica + 1) % REPLICAS;
    }

    /** Creates a pipeline over the inbox and waits for its program; returns its runs' path. */
    private String pipeline(String name, String table, String prefix, String strategy, int partitions, boolean key) {
        api(0).body(Map.of("program_code", SourceRows.table(table, key),
                "source", Map.of("connector", "inbox", "prefix", prefix, "format", "csv"),
                "load_strategy", strategy, "partitions", partitions))
                .put("/v0/pipelines/" + name).then().statusCode(201);
        String id = awaitRun(0, "/v0/pipelines/" + name, p -> "Success".equals(p.getString("program_status"))).getString("id");
        return "/api/v1/pipelines/" + id + "/runs/";
    }

    /** Polls GET {@code path} on a replica (503s while PostgreSQL restarts are waited out) until the condition holds. */
    private JsonPath awaitRun(int replica, String path, Predicate<JsonPath> condition) {
        try {
            return Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> api(replica).get(path).then().statusCode(200).extract().jsonPath(), condition::test);
        } catch (RuntimeException | AssertionError e) {
            for (PackagedSluice r : replicas) {
                r.printLog();
            }
            throw e;
        }
    }

    /** The replica (index) holding a running partition of the run. */
    private int holderOf(String run) throws SQLException {
        try (Connection db = db(); var s = db.createStatement();
                var rows = s.executeQuery("SELECT claimed_by FROM sluice.run_partition WHERE run_id = '" + run
                        + "' AND status = 'running' ORDER BY index LIMIT 1")) {
            assertTrue(rows.next(), "a partition of run " + run + " is loading");
            long pid = Long.parseLong(rows.getString(1).split("/")[1]);
            for (int i = 0; i < REPLICAS; i++) {
                if (replicas[i].pid() == pid) {
                    return i;
                }
            }
            throw new AssertionError("no replica has pid " + pid);
        }
    }

    private Optional<Integer> leader() {
        for (int i = 0; i < REPLICAS; i++) {
            if (!replicas[i].isAlive()) {
                continue;
            }
            try {
                String metrics = given().baseUri(replicas[i].baseUri()).get("/q/metrics").then().extract().asString();
                if (metrics.lines().anyMatch(l -> l.startsWith("sluice_leader") && l.trim().endsWith(" 1.0"))) {
                    return Optional.of(i);
                }
            } catch (RuntimeException e) {
                // not answering right now
            }
        }
        return Optional.empty();
    }

    private void assertExactly(String table, long rows) throws SQLException {
        try (Connection db = db()) {
            SourceRows.assertTableHolds(db, "sluice_data." + table, rows, rows * (rows + 1) / 2);
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection db = db(); var s = db.createStatement(); var rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private Connection db() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), "postgres", postgres.password());
    }

    private static boolean ended(JsonPath run) {
        return !List.of("pending", "running").contains(run.getString("status"));
    }

    private void phase(String what) {
        System.out.printf("[%s] %6.1f s: %s%n", getClass().getSimpleName(), (System.nanoTime() - began) / 1e9, what);
    }
}
