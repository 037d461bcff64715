package io.sluice.run;

import static io.sluice.run.RunApi.create;
import static io.sluice.run.RunApi.progress;
import static io.sluice.run.RunApi.retry;
import static io.sluice.run.RunApi.run;
import static io.sluice.support.Api.admin;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.TestDatabase;

/**
 * The exactness rule: after a run completes, every source file is in the target table by exactly
 * the rows of the version last read, once, whatever path the runs took. Each case asserts count(*)
 * and count(DISTINCT key) against the source. Batches of 500 rows, so a file commits in several.
 */
@QuarkusTest
@TestProfile(ExactLoadingTest.SmallBatches.class)
class ExactLoadingTest {
    public static class SmallBatches implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.run.batch-size", "500", "sluice.run.split-min-size", "4K");
        }
    }

    private static final AtomicLong CLOCK = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").getEpochSecond());

    @TempDir
    Path root;

    /** Rows 1..n: id, email (invalid where {@code bad} says so), a value that tells versions apart. */
    private static String csv(int n, IntFunction<Boolean> bad, String version) {
        StringBuilder sb = new StringBuilder("id,email,version\n");
        for (int i = 1; i <= n; i++) {
            sb.append(i).append(',').append(bad.apply(i) ? "broken" + i : "u" + i + "@example.com").append(',').append(version)
                    .append('\n');
        }
        return sb.toString();
    }

    /** Writes a file with a modification time of its own, so every version has its own ETag. */
    private void deliver(String name, String content) {
        try {
            Path file = root.resolve("in").resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(CLOCK.addAndGet(10))));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String pipeline(String table, String strategy, Integer maxFailed, int partitions) {
        Map<String, Object> body = new HashMap<>();
        body.put("program_code", "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, email TEXT NOT NULL, version TEXT)");
        body.put("source", Map.of("connector", Api.localConnector(root), "prefix", "in/", "format", "csv",
                "options", Map.of("header", true)));
        body.put("load_strategy", strategy);
        body.put("partitions", partitions);
        body.put("max_failed_rows", maxFailed);
        body.put("validation", Map.of("email", List.of(Map.of("rule", "email"))));
        return create(body);
    }

    private static void assertRows(String table, long rows, String why) {
        assertEquals(rows, TestDatabase.count("SELECT count(*) FROM sluice_data." + table), why + ": count(*)");
        assertEquals(rows, TestDatabase.count("SELECT count(DISTINCT id) FROM sluice_data." + table), why + ": count(DISTINCT id)");
    }

    private static long count(String table, String where) {
        return TestDatabase.count("SELECT count(*) FROM sluice_data." + table + " WHERE " + where);
    }

    private static String table(String prefix) {
        return Api.unique(prefix).toLowerCase().replace('-', '_');
    }

    @Test
    void aFileFixedAfterTooManyErrorsIsReplacedByANewRun() {
        String table = table("fixnew");
        // append has no key to protect it: only provenance keeps the first run's rows from doubling
        String id = pipelineAppendNoKey(table, 50);
        deliver("customers.csv", csv(5000, i -> i > 2000 && i <= 2200, "v1"));
        JsonPath failed = run(id);
        assertEquals("failed", failed.getString("status"), failed.prettify());
        long partial = count(table, "true");
        assertTrue(partial > 0 && partial < 5000, "the failed run kept what it committed: " + partial);

        deliver("customers.csv", csv(5000, i -> false, "v2"));
        JsonPath fixed = run(id);
        assertEquals("completed", fixed.getString("status"), fixed.prettify());
        assertRows(table, 5000, "the fixed file replaced the earlier version's rows");
        assertEquals(5000, count(table, "version = 'v2'"));
        List<String> log = progress(id, fixed.getString("id")).getList("log.message");
        assertTrue(log.stream().anyMatch(m -> m.startsWith("Replaced " + partial + " rows of an earlier version of in/customers.csv")),
                log.toString());
    }

    @Test
    void aFileFixedAfterTooManyErrorsIsReplacedByARetry() {
        String table = table("fixretry");
        String id = pipelineAppendNoKey(table, 50);
        deliver("customers.csv", csv(5000, i -> i > 2000 && i <= 2200, "v1"));
        JsonPath failed = run(id);
        assertEquals("failed", failed.getString("status"));
        deliver("customers.csv", csv(5000, i -> false, "v2"));
        JsonPath retried = retry(id, failed.getString("id"));
        assertEquals("completed", retried.getString("status"), retried.prettify());
        assertRows(table, 5000, "the retry loaded the fixed file in place of the earlier rows");
    }

    @Test
    void aRetryOfCompletedWithErrorsSaysTheRejectedRowsAreStillMissingThenLoadsThemOnceFixed() {
        String table = table("cwe");
        String id = pipeline(table, "append", null, 1);
        deliver("customers.csv", csv(1200, i -> i % 100 == 0, "v1"));
        JsonPath first = run(id);
        assertEquals("completed_with_errors", first.getString("status"));
        assertEquals(12, first.getLong("failedRows"));
        assertRows(table, 1188, "valid rows");

        JsonPath unchanged = retry(id, first.getString("id"));
        assertEquals("completed_with_errors", unchanged.getString("status"), "the rejected rows are still missing");
        assertEquals(12, unchanged.getLong("failedRows"));
        assertEquals(12, admin().get("/api/v1/pipelines/" + id + "/runs/" + unchanged.getString("id") + "/errors").then()
                .statusCode(200).extract().jsonPath().getList("errors").size());
        List<String> log = progress(id, unchanged.getString("id")).getList("log.message");
        assertTrue(log.stream().anyMatch(m -> m.contains("12 rejected row(s) are still not in the table")), log.toString());
        assertRows(table, 1188, "nothing loaded twice");

        deliver("customers.csv", csv(1200, i -> false, "v2"));
        JsonPath fixed = retry(id, unchanged.getString("id"));
        assertEquals("completed", fixed.getString("status"), fixed.prettify());
        assertRows(table, 1200, "the fixed rows arrived, the others were replaced, none doubled");
        assertEquals(1200, count(table, "version = 'v2'"));
    }

    @Test
    void aCorrectedFileReDeliveredUnderTheSameNameReplacesItsRows() {
        for (String strategy : List.of("append", "upsert")) {
            String table = table("redeliver_" + strategy);
            String id = pipeline(table, strategy, null, 2);
            deliver("a.csv", csv(1000, i -> false, "v1"));
            deliver("b.csv", csv(0, i -> false, "v1") + "5001,x5001@example.com,b\n");
            assertEquals("completed", run(id).getString("status"));
            assertRows(table, 1001, strategy + " first delivery");

            deliver("a.csv", csv(800, i -> false, "v2"));
            JsonPath second = run(id);
            assertEquals("completed", second.getString("status"), second.prettify());
            assertRows(table, 801, strategy + ": the corrected a.csv (800 rows) replaced its 1000, b.csv untouched");
            assertEquals(800, count(table, "version = 'v2'"));
            assertEquals(1, count(table, "version = 'b'"));
            assertEquals("completed", run(id).getString("status"));
            assertRows(table, 801, strategy + ": a third run loads nothing again");
        }
    }

    @Test
    void replaceLoadsTheCurrentVersionOfEveryFileOnce() {
        String table = table("replace");
        String id = pipeline(table, "replace", null, 2);
        deliver("a.csv", csv(700, i -> false, "v1"));
        assertEquals("completed", run(id).getString("status"));
        deliver("a.csv", csv(650, i -> false, "v2"));
        assertEquals("completed", run(id).getString("status"));
        assertRows(table, 650, "replace swaps in the current version");
        assertEquals(650, TestDatabase.count("SELECT count(DISTINCT " + "_sluice_row) FROM sluice_data." + table));
    }

    @Test
    void aPartlyLoadedFileIsContinuedByANewRunNotStartedOver() {
        String table = table("resume");
        String id = pipeline(table, "append", null, 1);
        deliver("customers.csv", csv(4000, i -> false, "v1"));
        // A failure in the third batch, raised by PostgreSQL itself, once.
        failOnceAt(table, 1200);
        JsonPath failed = run(id);
        assertEquals("failed", failed.getString("status"), failed.prettify());
        assertRows(table, 1000, "two batches of 500 committed before the failure");

        JsonPath resumed = run(id);
        assertEquals("completed", resumed.getString("status"), resumed.prettify());
        assertRows(table, 4000, "the new run continued after row 1000");
        assertEquals(4000, resumed.getLong("processedRows"), "resumed rows count as processed");
        assertEquals(1000L, resumed.getLong("metadata.resumeFromRow"));
        List<String> log = progress(id, resumed.getString("id")).getList("log.message");
        assertTrue(log.stream().anyMatch(m -> m.startsWith("Resumed in/customers.csv after row 1000")), log.toString());
        assertEquals(4000, TestDatabase.count("SELECT count(DISTINCT _sluice_row) FROM sluice_data." + table),
                "each row records its row number in the file");
    }

    @Test
    void aSplitFileCutIntoRangesResumesEachRangeFromItsCheckpoint() {
        String table = table("ranges");
        String id = pipeline(table, "upsert", null, 3);
        deliver("big.csv", csv(6000, i -> false, "v1"));
        failOnceAt(table, 5800);
        JsonPath failed = run(id);
        assertEquals("failed", failed.getString("status"), failed.prettify());
        long partial = count(table, "true");
        assertTrue(partial < 6000, "partial: " + partial);
        List<String> log = progress(id, failed.getString("id")).getList("log.message");
        assertTrue(log.stream().anyMatch(m -> m.contains("into 3 byte ranges")), log.toString());

        JsonPath resumed = run(id);
        assertEquals("completed", resumed.getString("status"), resumed.prettify());
        assertRows(table, 6000, "every range continued after its own checkpoint");
        assertEquals(6000, resumed.getLong("processedRows"));
        assertEquals(0, resumed.getLong("skippedRows"), "no row was read twice");
    }

    @Test
    void aPolledRunContinuesAFilePartlyLoadedBefore() {
        String table = table("polledresume");
        Map<String, Object> body = new HashMap<>();
        body.put("program_code", "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, email TEXT NOT NULL, version TEXT)");
        body.put("source", Map.of("connector", Api.localConnector(root), "prefix", "in/", "format", "csv",
                "options", Map.of("header", true)));
        body.put("load_strategy", "append");
        String name = RunApi.createPolledAndStart(body);
        String id = Api.pipeline(name).getString("id");
        deliver("customers.csv", csv(3000, i -> false, "v1"));
        failOnceAt(table, 2100);
        assertEquals("failed", run(id).getString("status"));
        assertRows(table, 2000, "four batches committed");

        deliver("_READY.dat", "");
        admin().post("/api/v1/pipelines/poll").then().statusCode(200).body("triggered", equalTo(1));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(root.resolve("in/_READY.dat")));
        assertRows(table, 3000, "the polled run continued after row 2000");
    }

    @Test
    void aFileTruncatedWhileReadIsNotRecordedAsLoadedAndItsRowsAreReplacedLater() throws Exception {
        String table = table("truncated");
        String id = pipeline(table, "append", null, 1);
        String full = csv(20000, i -> false, "v1");
        deliver("customers.csv", full);
        // The second batch's commit waits, so that the file can be cut while the run is reading it.
        TestDatabase.execute("CREATE TABLE IF NOT EXISTS sluice_data." + table
                + " (id BIGINT PRIMARY KEY, email TEXT NOT NULL, version TEXT)");
        TestDatabase.execute("CREATE OR REPLACE FUNCTION sluice_data." + table + "_slow() RETURNS trigger AS $$ BEGIN"
                + " IF NEW.id = 700 THEN PERFORM pg_sleep(3); END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
        TestDatabase.execute("CREATE TRIGGER slow BEFORE INSERT ON sluice_data." + table + " FOR EACH ROW EXECUTE FUNCTION sluice_data."
                + table + "_slow()");
        String runId = RunApi.startRun(id);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> progress(id, runId).getLong("processedRows") >= 500);
        Path file = root.resolve("in/customers.csv");
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(full.length() / 2 + 7); // mid-record
        }
        JsonPath cut = RunApi.awaitRun(id, runId);
        assertEquals("failed", cut.getString("status"), cut.prettify());
        assertTrue(cut.getString("errorMessage").contains("changed while it was read"), cut.getString("errorMessage"));
        TestDatabase.execute("DROP TRIGGER slow ON sluice_data." + table);

        deliver("customers.csv", full);
        JsonPath whole = run(id);
        assertEquals("completed", whole.getString("status"), whole.prettify());
        assertRows(table, 20000, "the rows read from the cut file were replaced by the whole file's");
    }

    @Test
    void aRunWhosePlanFailsToCommitLeavesNoPlanAndItsRetryLoadsEverything() {
        String table = table("plan");
        String id = pipeline(table, "append", null, 3);
        for (String f : List.of("a.csv", "b.csv", "c.csv")) {
            deliver(f, csv(0, i -> false, "v1") + (f.charAt(0) * 1000) + ",x@example.com," + f + "\n");
        }
        TestDatabase.execute("""
                CREATE OR REPLACE FUNCTION sluice.test_fail_second_partition() RETURNS trigger AS $$ BEGIN
                  IF NEW.index = 1 THEN RAISE EXCEPTION 'connection lost while writing the plan (test)'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql""");
        TestDatabase.execute("CREATE TRIGGER test_fail_second BEFORE INSERT ON sluice.run_partition FOR EACH ROW"
                + " EXECUTE FUNCTION sluice.test_fail_second_partition()");
        JsonPath failed;
        try {
            failed = run(id);
        } finally {
            TestDatabase.execute("DROP TRIGGER test_fail_second ON sluice.run_partition");
        }
        assertEquals("failed", failed.getString("status"));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM sluice.run_partition WHERE run_id = '" + failed.getString("id") + "'"),
                "the plan is written whole or not at all");
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM sluice.segment s JOIN sluice.pipeline p ON p.id = s.pipeline_id"
                + " WHERE p.id = '" + id + "'"));
        JsonPath retried = retry(id, failed.getString("id"));
        assertEquals("completed", retried.getString("status"), retried.prettify());
        assertRows(table, 3, "every file loaded by the retry");
    }

    @Test
    void programColumnsMayNotUseTheProvenancePrefix() {
        admin().body(Map.of("program_code", "CREATE TABLE t (id BIGINT, _sluice_file_id BIGINT)"))
                .put("/v0/pipelines/" + Api.unique("reserved")).then().statusCode(400)
                .body("error_code", equalTo("ReservedColumnName"));
    }

    /** An append pipeline whose table has no key: doubles would not be caught by PostgreSQL. */
    @Test
    void aPipelineWithoutProvenanceLoadsExactlyAndRefusesAReloadThatWouldNeedIt() {
        String table = table("noprov");
        Map<String, Object> body = new HashMap<>();
        body.put("program_code", "CREATE TABLE " + table + " (id BIGINT, email TEXT NOT NULL, version TEXT)");
        body.put("source", Map.of("connector", Api.localConnector(root), "prefix", "in/", "format", "csv",
                "options", Map.of("header", true)));
        body.put("load_strategy", "append");
        body.put("row_provenance", false);
        String name = RunApi.put(body);
        String id = RunApi.awaitCompiled(name);
        deliver("plain.csv", csv(3000, i -> false, "v1"));
        JsonPath first = run(id);
        assertEquals("completed", first.getString("status"), first.prettify());
        assertRows(table, 3000, "loaded once");
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'sluice_data'"
                + " AND table_name = '" + table + "' AND column_name LIKE '\\_sluice\\_%'"), "no provenance columns");

        // The file changes: its earlier rows cannot be told from the others, so the reload is refused.
        deliver("plain.csv", csv(3000, i -> false, "v2"));
        JsonPath refused = run(id);
        assertEquals("failed", refused.getString("status"), refused.prettify());
        assertTrue(refused.getString("errorMessage").contains("row_provenance false"), refused.getString("errorMessage"));
        assertRows(table, 3000, "nothing doubled");
        assertEquals(3000, count(table, "version = 'v1'"));
        admin().get("/v0/pipelines/" + name).then().statusCode(200).body("row_provenance", equalTo(false));
    }

    private String pipelineAppendNoKey(String table, int maxFailed) {
        Map<String, Object> body = new HashMap<>();
        body.put("program_code", "CREATE TABLE " + table + " (id BIGINT, email TEXT NOT NULL, version TEXT)");
        body.put("source", Map.of("connector", Api.localConnector(root), "prefix", "in/", "format", "csv",
                "options", Map.of("header", true)));
        body.put("load_strategy", "append");
        body.put("max_failed_rows", maxFailed);
        body.put("validation", Map.of("email", List.of(Map.of("rule", "email"))));
        return create(body);
    }

    /** The target table, created ahead, refuses the row with this id the first time it sees it. */
    private static void failOnceAt(String table, int id) {
        TestDatabase.execute("CREATE TABLE IF NOT EXISTS sluice_data." + table
                + " (id BIGINT PRIMARY KEY, email TEXT NOT NULL, version TEXT)");
        // a sequence: its nextval survives the failing transaction's rollback
        TestDatabase.execute("CREATE SEQUENCE IF NOT EXISTS sluice_data." + table + "_tries");
        TestDatabase.execute("CREATE OR REPLACE FUNCTION sluice_data." + table + "_fail() RETURNS trigger AS $$ BEGIN"
                + " IF NEW.id = " + id + " AND nextval('sluice_data." + table + "_tries') = 1 THEN"
                + " RAISE EXCEPTION 'connection lost (test)'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
        TestDatabase.execute("DROP TRIGGER IF EXISTS fail_once ON sluice_data." + table);
        TestDatabase.execute("CREATE TRIGGER fail_once BEFORE INSERT ON sluice_data." + table
                + " FOR EACH ROW EXECUTE FUNCTION sluice_data." + table + "_fail()");
    }
}
