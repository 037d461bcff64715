package io.sluice.run;

import static io.sluice.run.RunApi.awaitRun;
import static io.sluice.run.RunApi.nameOf;
import static io.sluice.run.RunApi.progress;
import static io.sluice.run.RunApi.retry;
import static io.sluice.run.RunApi.run;
import static io.sluice.run.RunApi.startRun;
import static io.sluice.support.Api.admin;
import static io.sluice.support.Api.awaitPipeline;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.TestDatabase;

/**
 * What runs must do whatever the source: for CSV, JSON lines and Parquet and each load strategy,
 * the table holds exactly the valid rows of the source files, invalid rows are recorded, a second
 * run over the same files and a retry of a run with errors never load a row twice, and a retry after
 * a failure resumes from the checkpoint. Subclasses say where the files live.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SourceRunsContract {

    /**
     * Where a test's files live: a connector over them, how a file is put there, and the local file
     * behind a path (to remove it).
     */
    record Source(String connector, BiConsumer<String, byte[]> put, Function<String, Path> file) {
        void put(String path, byte[] content) {
            put.accept(path, content);
        }

        void delete(String path) {
            try {
                Files.delete(file.apply(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The source of this class's tests (created once; each test has its own prefix in it). */
    abstract Source source();

    /** A test's pipeline: its id, the folder its files go to, its table. */
    record Prepared(String id, String prefix, String table) {
    }

    private Source source;
    private final Map<String, Prepared> prepared = new HashMap<>();

    /** The formats to load from this source. */
    List<String> formats() {
        return SourceRows.formats();
    }

    /** The load strategies to load with. */
    List<String> strategies() {
        return List.of("append", "upsert", "replace");
    }

    Stream<Arguments> formatsAndStrategies() {
        return formats().stream().flatMap(f -> strategies().stream().map(s -> Arguments.of(f, s)));
    }

    static Map<String, Object> pipeline(String connector, String prefix, String format, String table, String strategy,
            int partitions) {
        Map<String, Object> body = new HashMap<>();
        body.put("program_code", SourceRows.table(table, "upsert".equals(strategy)));
        body.put("source", Map.of("connector", connector, "prefix", prefix, "format", format));
        body.put("load_strategy", strategy);
        body.put("partitions", partitions);
        body.put("validation", Map.of("email", List.of(Map.of("rule", "email"))));
        return body;
    }

    /**
     * The pipeline of test {@code key}. The first test creates every test's pipeline at once: their
     * programs compile in the same reconciler passes instead of one test after the other. (Not in a
     * {@code @BeforeAll}: Quarkus points REST Assured at the application before each test.)
     */
    private Prepared pipeline(String key) {
        if (prepared.isEmpty()) {
            createPipelines();
        }
        return prepared.get(key);
    }

    private void createPipelines() {
        source = source();
        Map<String, String> names = new LinkedHashMap<>();
        formatsAndStrategies().map(Arguments::get).forEach(a -> {
            String format = (String) a[0];
            String strategy = (String) a[1];
            names.put(format + "/" + strategy, prepare(format + "/" + strategy, format, strategy, 2, Map.of()));
        });
        for (String format : formats()) {
            names.put(format + "/resume", prepare(format + "/resume", format, "append", 1, Map.of("max_failed_rows", 5)));
        }
        names.forEach((key, name) -> prepared.compute(key,
                (k, p) -> new Prepared(RunApi.awaitCompiled(name), p.prefix(), p.table())));
    }

    /** PUTs the pipeline of test {@code key}, with its own prefix and table; returns its name. */
    private String prepare(String key, String format, String strategy, int partitions, Map<String, Object> more) {
        String prefix = Api.unique("in") + "/";
        String table = Api.unique(key.replace('/', '_')).toLowerCase();
        Map<String, Object> body = pipeline(source.connector(), prefix, format, table, strategy, partitions);
        body.putAll(more);
        prepared.put(key, new Prepared(null, prefix, table));
        return RunApi.put(body);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("formatsAndStrategies")
    void theTableHoldsExactlyTheValidRowsOfTheSourceAndNoFileLoadsTwice(String format, String strategy)
            throws SQLException {
        Prepared pipeline = pipeline(format + "/" + strategy);
        String id = pipeline.id();
        String prefix = pipeline.prefix();
        String qualified = "sluice_data." + pipeline.table();
        boolean upsert = "upsert".equals(strategy);
        // Upsert: b rewrites 200 keys of a (two of them rows of a that failed validation).
        SourceRows a = new SourceRows(1, 1200, 50);
        SourceRows b = upsert ? new SourceRows(1001, 2000, 0) : new SourceRows(1201, 2000, 0);
        List<SourceRows> files = new ArrayList<>(List.of(a, b));
        source.put(prefix + "a." + format, a.encode(format));
        source.put(prefix + "b." + format, b.encode(format));

        String firstId = startRun(id);
        JsonPath first = awaitRun(id, firstId);
        assertEquals("completed_with_errors", first.getString("status"), first.prettify());
        long total = SourceRows.totalRows(files);
        assertEquals(total, first.getLong("totalRows"), "totalRows (Parquet: from the footers)");
        assertEquals(total, first.getLong("processedRows"));
        assertEquals(a.invalid(), first.getLong("failedRows"));
        admin().get("/api/v1/pipelines/" + id + "/runs/" + firstId + "/errors").then().statusCode(200)
                .body("total", equalTo((int) a.invalid()))
                .body("errors[0].column", equalTo("email"))
                .body("errors[0].value", equalTo(SourceRows.INVALID_EMAIL));
        assertEquals(2, progress(id, firstId).getInt("completedPartitions"));
        try (Connection db = TestDatabase.connect()) {
            SourceRows.assertTableHolds(db, qualified, SourceRows.loadedIds(files));

            // The same files again: append and upsert find nothing new; replace loads them all again.
            JsonPath second = run(id);
            boolean replace = "replace".equals(strategy);
            assertEquals(replace ? "completed_with_errors" : "completed", second.getString("status"), second.prettify());
            assertEquals(replace ? total : 0, second.getLong("processedRows"));
            SourceRows.assertTableHolds(db, qualified, SourceRows.loadedIds(files));

            // A retry of the run with errors: its partitions are done (replace: a full re-run).
            JsonPath retried = retry(id, firstId);
            assertTrue(List.of("completed", "completed_with_errors").contains(retried.getString("status")), retried.prettify());
            assertEquals(replace ? 0 : total, retried.getLong("metadata.resumeFromRow"));
            SourceRows.assertTableHolds(db, qualified, SourceRows.loadedIds(files));

            if (replace) {
                // The table follows the source: without a, only b's rows remain.
                source.delete(prefix + "a." + format);
                files.remove(a);
            } else {
                // A new file: only its rows are loaded.
                SourceRows c = new SourceRows(5001, 5300, 0);
                source.put(prefix + "c." + format, c.encode(format));
                files.add(c);
            }
            JsonPath third = run(id);
            assertEquals("completed", third.getString("status"), third.prettify());
            assertEquals(replace ? b.count() : 300, third.getLong("processedRows"));
            SourceRows.assertTableHolds(db, qualified, SourceRows.loadedIds(files));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void aRetryResumesAfterTheLastCommittedRowOfAFailedRun(String format) throws SQLException {
        Prepared pipeline = pipeline(format + "/resume");
        String id = pipeline.id();
        String prefix = pipeline.prefix();
        String table = pipeline.table();
        // One partition: f1 loads whole, then f2's first batch trips the error threshold.
        SourceRows f1 = new SourceRows(1, 2000, 0);
        SourceRows f2 = new SourceRows(2001, 3300, 50);
        source.put(prefix + "f1." + format, f1.encode(format));
        source.put(prefix + "f2." + format, f2.encode(format));

        String failedId = startRun(id);
        JsonPath failed = awaitRun(id, failedId);
        assertEquals("failed", failed.getString("status"), failed.prettify());
        assertTrue(failed.getString("errorMessage").contains("max_failed_rows"), failed.getString("errorMessage"));
        long committed = TestDatabase.count("SELECT count(*) FROM sluice_data." + table);
        assertTrue(committed >= f1.count() && committed < f1.count() + f2.count() - f2.invalid(), "committed " + committed);

        String name = nameOf(id);
        admin().body(Map.of("max_failed_rows", 1000)).patch("/v0/pipelines/" + name).then().statusCode(200);
        awaitPipeline(name, p -> "Success".equals(p.getString("program_status")));
        JsonPath done = retry(id, failedId);
        assertEquals("completed_with_errors", done.getString("status"), done.prettify());
        long resumedFrom = done.getLong("metadata.resumeFromRow");
        assertTrue(resumedFrom > f1.count() && resumedFrom < f1.count() + f2.count(), "resumed from " + resumedFrom);
        assertEquals(f1.count() + f2.count(), done.getLong("processedRows"), "the retry counts the resumed rows too");
        assertEquals(f2.invalid(), failed.getLong("failedRows") + done.getLong("failedRows"),
                "every invalid row is reported once, by the run or by its retry");
        try (Connection db = TestDatabase.connect()) {
            SourceRows.assertTableHolds(db, "sluice_data." + table, SourceRows.loadedIds(List.of(f1, f2)));
        }
    }
}
