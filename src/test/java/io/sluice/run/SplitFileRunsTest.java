package io.sluice.run;

import static io.sluice.run.RunApi.create;
import static io.sluice.run.RunApi.progress;
import static io.sluice.run.RunApi.run;
import static io.sluice.run.RunApi.write;
import static io.sluice.support.Api.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.TestDatabase;

/**
 * One large CSV file and three partitions: the file is cut into byte ranges at record boundaries
 * (small ones here), loaded concurrently, with the same rows, row numbers and errors as one reader
 * would give, and recorded as one segment once every range is in.
 */
@QuarkusTest
@TestProfile(SplitFileRunsTest.SmallRanges.class)
class SplitFileRunsTest {
    public static class SmallRanges implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.run.split-min-size", "4K");
        }
    }

    private static final int ROWS = 6000;

    @TempDir
    Path root;

    /** Row i has id i; every 97th email is invalid; every 50th note spans two lines inside quotes. */
    private static String file() {
        StringBuilder sb = new StringBuilder("id,email,note\r\n");
        for (int i = 1; i <= ROWS; i++) {
            sb.append(i).append(',').append(i % 97 == 0 ? "not-an-email" : "user" + i + "@example.com").append(',')
                    .append(i % 50 == 0 ? "\"first line\nsecond, line\"" : "plain " + i).append(i % 3 == 0 ? "\r\n" : "\n");
        }
        return sb.toString();
    }

    private static Map<String, Object> pipeline(String connector, String table, String strategy) {
        Map<String, Object> body = new HashMap<>();
        body.put("program_code", "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, email TEXT NOT NULL, note TEXT)");
        body.put("source", Map.of("connector", connector, "prefix", "big/", "format", "csv", "options", Map.of("header", true)));
        body.put("load_strategy", strategy);
        body.put("partitions", 3);
        body.put("validation", Map.of("email", List.of(Map.of("rule", "email"))));
        return body;
    }

    @Test
    void oneLargeFileLoadsOnEveryPartitionExactlyOnce() {
        write(root.resolve("big"), "customers.csv", file());
        String table = Api.unique("split_t").toLowerCase();
        String id = create(pipeline(Api.localConnector(root), table, "append"));

        JsonPath first = run(id);
        String runId = first.getString("id");
        assertEquals("completed_with_errors", first.getString("status"), first.prettify());
        long invalid = ROWS / 97;
        assertEquals(invalid, first.getLong("failedRows"));
        assertEquals(ROWS - invalid, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
        assertEquals(ROWS / 50 - ROWS / (50 * 97), TestDatabase.count("SELECT count(*) FROM sluice_data." + table
                + " WHERE note = E'first line\\nsecond, line'"), "quoted line breaks kept inside their rows");

        JsonPath progress = progress(id, runId);
        assertEquals(ROWS, progress.getLong("totalRows"));
        assertEquals(ROWS, progress.getLong("processedRows"));
        assertEquals(3, progress.getInt("completedPartitions"));
        List<Integer> rows = progress.getList("partitionDetails.rows");
        assertEquals(3, rows.size());
        assertTrue(rows.stream().allMatch(n -> n > ROWS / 6), "each range holds a fair share: " + rows);
        assertEquals(ROWS, rows.stream().mapToInt(Integer::intValue).sum());
        List<String> messages = progress.getList("log.message");
        assertTrue(messages.stream().anyMatch(m -> m.contains("into 3 byte ranges")), messages.toString());

        // Row numbers are the file's, whichever range found them.
        List<Integer> errorRows = admin().get("/api/v1/pipelines/" + id + "/runs/" + runId + "/errors").then().statusCode(200)
                .extract().jsonPath().getList("errors.row");
        TreeSet<Long> expectedRows = LongStream.rangeClosed(1, invalid).map(i -> i * 97).boxed()
                .collect(Collectors.toCollection(TreeSet::new));
        TreeSet<Long> actualRows = errorRows.stream().map(Integer::longValue).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expectedRows, actualRows);

        JsonPath second = run(id);
        assertEquals("completed", second.getString("status"));
        assertEquals(0, second.getLong("processedRows"), "the file is one segment: never loaded twice");
        assertEquals(ROWS - invalid, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
    }

    @Test
    void replaceAndUpsertReadTheRangesToo() {
        write(root.resolve("big"), "customers.csv", file());
        long valid = ROWS - ROWS / 97;
        for (String strategy : List.of("replace", "upsert")) {
            String table = Api.unique(strategy + "_split").toLowerCase();
            String id = create(pipeline(Api.localConnector(root), table, strategy));
            assertEquals("completed_with_errors", run(id).getString("status"));
            assertEquals(valid, TestDatabase.count("SELECT count(*) FROM sluice_data." + table), strategy);
            if (strategy.equals("replace")) {
                assertEquals("completed_with_errors", run(id).getString("status"), "replace reads the file again");
                assertEquals(valid, TestDatabase.count("SELECT count(*) FROM sluice_data." + table), "and replaces, not adds");
            }
        }
    }
}
