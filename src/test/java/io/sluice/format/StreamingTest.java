package io.sluice.format;

import static io.sluice.format.Fixtures.column;
import static io.sluice.format.Fixtures.required;
import static io.sluice.format.Fixtures.table;
import static io.sluice.pipeline.program.PgType.Kind.BIGINT;
import static io.sluice.pipeline.program.PgType.Kind.INTEGER;
import static io.sluice.pipeline.program.PgType.Kind.TEXT;
import static io.sluice.pipeline.program.PgType.Kind.TIMESTAMPTZ;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.pipeline.spec.ValidationRule;

/** Inputs far larger than a batch, generated while they are read: reading streams them. */
class StreamingTest {
    private static final TableSpec CUSTOMERS = table(required("id", BIGINT), column("email", TEXT), column("age", INTEGER),
            column("created", TIMESTAMPTZ), column("score", PgType.numeric(10, 2)), column("name", PgType.withLength(PgType.Kind.VARCHAR, 50)));
    private static final Map<String, List<ValidationRule>> RULES = Map.of(
            "email", List.of(Fixtures.rule(ValidationRule.Kind.EMAIL)),
            "age", List.of(new ValidationRule(ValidationRule.Kind.RANGE, null, BigDecimal.ZERO, BigDecimal.valueOf(150), null, null)));

    private static String customer(long i) {
        if (i == 0) {
            return "id,email,age,created,score,name\n";
        }
        String email = i % 100_000 == 0 ? "broken" : "user" + i + "@example.com";
        return i + "," + email + "," + (i % 120) + ",2024-03-30T10:" + (10 + i % 50) + ":00Z," + (i % 1000) + "." + (i % 100)
                + ",\"Name " + i + "\"\n";
    }

    @Test
    void twoMillionGeneratedRowsStreamThroughBatches() throws IOException {
        long rows = 2_000_000;
        long[] valid = {0};
        List<RowError> errors = new ArrayList<>();
        RowBatch batch = new RowBatch(CUSTOMERS, 10_000);
        long start = System.nanoTime();
        try (RowReader reader = Formats.open(SourceFormat.CSV, Map.of(), new GeneratedInput(rows, StreamingTest::customer),
                CUSTOMERS, RULES, 0)) {
            int n;
            while ((n = reader.read(batch, errors::add)) > 0) {
                valid[0] += n;
            }
            assertEquals(rows, reader.rowsConsumed());
            assertEquals(20, reader.rowsFailed());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("CSV parse+convert+validate: %,d rows in %.2f s = %,.0f rows/s%n", rows, seconds, rows / seconds);
        assertEquals(rows - 20, valid[0]);
        assertEquals(20, errors.size());
        assertEquals(new RowError(100_000, "email", "broken", "Invalid email format"), errors.get(0));
    }

    @Test
    void countRowsStreamsToo() {
        assertEquals(2_000_000, Formats.countRows(SourceFormat.CSV, Map.of(), () -> new GeneratedInput(2_000_000, StreamingTest::customer)));
    }

    @Test
    void aQuoteLeftOpenForMegabytesIsOneRowErrorAndTheRowsItSwallowedAreStillRead() {
        long rows = 600_000;
        TableSpec table = table(column("id", BIGINT), column("name", TEXT));
        GeneratedInput input = new GeneratedInput(rows, i -> i == 0 ? "id,name\n" : i == 1 ? "1,\"open\n" : i + ",xxxxx\n");
        var result = Fixtures.readAll(Formats.open(SourceFormat.CSV, Map.of(), input, table, Map.of(), 0), table, 50_000);
        assertEquals(rows - 1, result.rows().size());
        assertEquals(List.of(new RowError(1, null, "1,\"open",
                "Malformed CSV: record longer than 4194304 bytes (a quote not closed?)")), result.errors());
        assertEquals(rows, result.consumed());
    }
}
