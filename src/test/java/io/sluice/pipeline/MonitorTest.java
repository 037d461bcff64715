package io.sluice.pipeline;

import static io.sluice.support.Api.admin;
import static io.sluice.support.Api.awaitPipeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import io.sluice.support.Api;
import io.sluice.support.TestClock;
import io.sluice.support.TestDatabase;

/**
 * The monitor's three rules against a real pipeline, driven by moving the application's clock
 * (no sleeps). The scheduled monitor is slowed down so only the test's passes run.
 */
@QuarkusTest
@TestProfile(MonitorTest.ManualMonitor.class)
class MonitorTest {
    public static class ManualMonitor implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.pipeline.monitor.interval", "1h");
        }
    }

    @Inject
    Monitor monitor;

    @Test
    void eventsFollowTheSeedRules() throws Throwable {
        String connector = Api.localConnector(Api.tempDir());
        String name = Api.unique("monitored");
        String table = Api.unique("monitored_t").toLowerCase();
        admin().body(Map.of("program_code", "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY)",
                "source", Map.of("connector", connector, "format", "csv")))
                .put("/v0/pipelines/" + name).then().statusCode(201);
        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
        awaitPipeline(name, p -> "Running".equals(p.getString("deployment_runtime_status")));
        String pipelineId = Api.pipeline(name).getString("id");

        observe();
        TestClock.advance(Duration.ofSeconds(11));
        observe();
        long afterStart = events(pipelineId);

        // Nothing changed and less than 10 minutes passed: nothing is recorded.
        TestClock.advance(Duration.ofSeconds(30));
        observe();
        assertEquals(afterStart, events(pipelineId));

        // Only details changed (the table gained rows): recorded once 10 s passed since the last event.
        TestDatabase.execute("INSERT INTO sluice_data." + table + " SELECT g FROM generate_series(1, 5000) g");
        TestDatabase.execute("ANALYZE sluice_data." + table);
        observe();
        long afterDetails = events(pipelineId);
        assertEquals(afterStart + 1, afterDetails, "details changed 30 s after the last event");
        TestDatabase.execute("INSERT INTO sluice_data." + table + " SELECT g FROM generate_series(5001, 9000) g");
        TestDatabase.execute("ANALYZE sluice_data." + table);
        observe();
        assertEquals(afterDetails, events(pipelineId), "details changed again within 10 s: not yet");
        TestClock.advance(Duration.ofSeconds(11));
        observe();
        assertEquals(afterDetails + 1, events(pipelineId));
        Object rows = admin().get("/v0/pipelines/" + name + "/events/latest").then().statusCode(200)
                .extract().path("deployment_runtime_status_details.rows_estimate");
        assertEquals(9000, rows);

        // Nothing changed for more than 10 minutes: a heartbeat event.
        long beforeHeartbeat = events(pipelineId);
        TestClock.advance(Duration.ofMinutes(10).plusSeconds(1));
        observe();
        assertEquals(beforeHeartbeat + 1, events(pipelineId));

        // A status change the monitor itself observes: the target table vanished.
        TestDatabase.execute("DROP TABLE sluice_data." + table);
        observe();
        assertEquals("Unavailable", Api.pipeline(name).getString("deployment_runtime_status"));
        assertNotNull(Api.pipeline(name).get("deployment_runtime_status_details.reason"));

        admin().post("/v0/pipelines/" + name + "/stop?force=true").then().statusCode(202);
        awaitPipeline(name, Api.resources("Stopped"));
    }

    @Test
    void keepsTheNewestEventsPerPipeline() throws Throwable {
        String name = Api.unique("chatty");
        admin().body(Map.of("program_code", "CREATE TABLE chatty (id INT)")).put("/v0/pipelines/" + name)
                .then().statusCode(201);
        String pipelineId = Api.pipeline(name).getString("id");
        TestDatabase.execute("""
                INSERT INTO sluice.pipeline_monitor_event (id, pipeline_id, recorded_at, deployment_resources_status,
                    deployment_resources_desired_status, program_status, storage_status)
                SELECT gen_random_uuid(), '%s', now() - g * interval '1 second', 'Stopped', 'Stopped', 'Pending', 'Cleared'
                FROM generate_series(1, 800) g""".formatted(pipelineId));
        VertxContextSupport.subscribeAndAwait(() -> monitor.trim());
        assertEquals(720, events(pipelineId));
        assertEquals(720, admin().get("/v0/pipelines/" + name + "/events").then().statusCode(200)
                .extract().jsonPath().getList("$").size());
    }

    private void observe() throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> monitor.observeAll());
    }

    private static long events(String pipelineId) {
        return TestDatabase.count("SELECT count(*) FROM sluice.pipeline_monitor_event WHERE pipeline_id = '" + pipelineId + "'");
    }
}
