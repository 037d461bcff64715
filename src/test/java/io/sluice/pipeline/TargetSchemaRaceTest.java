package io.sluice.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.sluice.pipeline.program.ColumnSpec;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;
import io.sluice.support.TestDatabase;

/**
 * Target tables provisioned at the same moment on a database without the target schema all get
 * created: CREATE SCHEMA IF NOT EXISTS run concurrently would fail all but one with a duplicate
 * key on pg_namespace (seen when a run and a provisioning started together on a fresh database).
 */
@QuarkusTest
@TestProfile(TargetSchemaRaceTest.FreshSchema.class)
class TargetSchemaRaceTest {
    // a constant: the profile and the test are loaded by two class loaders
    static final String SCHEMA = "sluice_schema_race";

    public static class FreshSchema implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.pipeline.target-schema", SCHEMA);
        }
    }

    @Inject
    TargetTables tables;

    @Test
    void tablesEnsuredConcurrentlyOnAFreshSchemaAreAllCreated() {
        TestDatabase.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        List<Uni<List<String>>> ensured = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            TableSpec table = new TableSpec("t" + i, List.of(new ColumnSpec("id", PgType.of(PgType.Kind.BIGINT), false)), List.of());
            ensured.add(tables.ensure(table, UUID.randomUUID(), Duration.ofSeconds(30)));
        }
        List<List<String>> differences = Uni.join().all(ensured).andFailFast().await().atMost(Duration.ofSeconds(60));
        assertEquals(8, differences.stream().filter(List::isEmpty).count(), differences.toString());
        assertEquals(8, TestDatabase.count("SELECT count(*) FROM pg_tables WHERE schemaname = '" + SCHEMA + "'"));
    }
}
