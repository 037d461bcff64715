package io.sluice.run;

import static io.sluice.run.RunApi.create;
import static io.sluice.run.RunApi.progress;
import static io.sluice.run.RunApi.run;
import static io.sluice.support.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.TestDatabase;

/** {@code /errors} of a run with more than 10,000 row errors: the JSON and the streamed CSV download agree. */
@QuarkusTest
class RunErrorsDownloadTest {
    private static final int ROWS = 15_000;
    /** Invalid emails that need quoting in the download: a comma and quotes, a line break. */
    private static final String QUOTED = "bad,\"quoted\"";
    private static final String TWO_LINES = "two\nlines";

    @TempDir
    Path root;

    /** Four of every five rows have an invalid email; a few of those need CSV quoting. */
    private static String source() {
        StringBuilder csv = new StringBuilder("id,email,age\n");
        for (int i = 1; i <= ROWS; i++) {
            String email = i % 5 == 0 ? "user" + i + "@example.com"
                    : i == 7 ? "\"" + QUOTED.replace("\"", "\"\"") + "\"" : i == 11 ? "\"" + TWO_LINES + "\"" : "no-at-" + i;
            csv.append(i).append(',').append(email).append(',').append(i % 90).append('\n');
        }
        return csv.toString();
    }

    @Test
    void moreThanTenThousandErrorsDownloadCompletelyAsJsonAndAsCsv() {
        RunApi.write(root, "errors/big.csv", source());
        String connector = Api.localConnector(root);
        String table = Api.unique("errors_t").toLowerCase();
        String id = create(SourceRunsContract.pipeline(connector, "errors/", "csv", table, "append", 2));
        JsonPath run = run(id);
        String runId = run.getString("id");
        int invalid = ROWS / 5 * 4;
        assertEquals("completed_with_errors", run.getString("status"));
        assertEquals(invalid, run.getLong("failedRows"));
        assertEquals(ROWS - invalid, TestDatabase.count("SELECT count(*) FROM sluice_data." + table));
        assertEquals(20, progress(id, runId).getList("validationErrors").size(), "progress shows the first 20");

        String errorsPath = "/api/v1/pipelines/" + id + "/runs/" + runId + "/errors";
        JsonPath json = admin().get(errorsPath).then().statusCode(200)
                .body("runId", equalTo(runId)).body("total", equalTo(invalid)).extract().jsonPath();
        List<Map<String, Object>> errors = json.getList("errors");
        assertEquals(invalid, errors.size());

        String csv = admin().header("Accept", "text/csv").get(errorsPath).then().statusCode(200)
                .header("Content-Type", containsString("text/csv"))
                .header("Content-Disposition", equalTo("attachment; filename=\"pipeline-run-" + runId + "-errors.csv\""))
                .extract().asString();
        List<CsvRecord> records = CsvReader.builder().ofCsvRecord(csv).stream().toList();
        assertEquals(invalid + 1, records.size(), "one record per error and the header");
        assertEquals(List.of("Row", "Column", "Value", "Error"), records.get(0).getFields());
        for (int i = 0; i < invalid; i++) {
            Map<String, Object> e = errors.get(i);
            List<String> expected = List.of(String.valueOf(e.get("row")), (String) e.get("column"), (String) e.get("value"),
                    (String) e.get("error"));
            assertEquals(expected, records.get(i + 1).getFields(), "error " + i);
        }
        // The values that needed quoting come back whole.
        assertEquals(1, records.stream().filter(r -> r.getField(2).equals(QUOTED)).count());
        assertEquals(1, records.stream().filter(r -> r.getField(2).equals(TWO_LINES)).count());
    }
}
