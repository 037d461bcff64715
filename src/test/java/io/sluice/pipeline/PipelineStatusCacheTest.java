package io.sluice.pipeline;

import static io.sluice.support.Api.admin;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.sluice.support.Api;
import io.sluice.support.TestDatabase;

/**
 * selector=status reads of one pipeline are served from memory, and never stale: a write through
 * this replica is visible at once, a write by anyone else (another replica, a DBA) drops the
 * entry through PostgreSQL's notification, and without a listening connection nothing is cached.
 */
@QuarkusTest
class PipelineStatusCacheTest {
    @Inject
    PipelineStatusCache cache;
    @Inject
    PipelineChangeListener listener;

    /** A new pipeline whose program compiled (the reconciler's writes after creation are done). */
    private static String create() {
        String name = Api.unique("cached");
        admin().body(Map.of("description", "first", "program_code", "CREATE TABLE " + name + " (id BIGINT)"))
                .put("/v0/pipelines/" + name).then().statusCode(201);
        Api.awaitPipeline(name, p -> "Success".equals(p.getString("program_status")));
        return name;
    }

    private static void statusDescription(String name, String expected) {
        admin().queryParam("selector", "status").get("/v0/pipelines/" + name).then().statusCode(200)
                .body("description", equalTo(expected));
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void writesThroughThisReplicaAreVisibleAtOnce() {
        await("listening", listener::listening);
        String name = create();
        statusDescription(name, "first");
        assertTrue(cache.holds(name), "the status read was cached");

        admin().body(Map.of("description", "second")).patch("/v0/pipelines/" + name).then().statusCode(200);
        statusDescription(name, "second");

        String renamed = name + "_renamed";
        admin().body(Map.of("name", renamed)).patch("/v0/pipelines/" + name).then().statusCode(200);
        admin().queryParam("selector", "status").get("/v0/pipelines/" + name).then().statusCode(404)
                .body("error_code", equalTo("UnknownPipelineName"));
        statusDescription(renamed, "second");

        admin().delete("/v0/pipelines/" + renamed).then().statusCode(204);
        admin().queryParam("selector", "status").get("/v0/pipelines/" + renamed).then().statusCode(404);
    }

    @Test
    void writesByAnyoneElseDropTheEntryThroughTheNotification() {
        await("listening", listener::listening);
        String name = create();
        statusDescription(name, "first");
        assertTrue(cache.holds(name));

        // What another replica (or an operator) does: a committed change straight in the database.
        TestDatabase.execute("UPDATE sluice.pipeline SET description = 'changed elsewhere' WHERE name = '" + name + "'");
        await("the notification dropped the entry", () -> !cache.holds(name));
        statusDescription(name, "changed elsewhere");

        // An update that changes nothing announces nothing and keeps the entry.
        assertTrue(cache.holds(name));
        TestDatabase.execute("UPDATE sluice.pipeline SET description = description WHERE name = '" + name + "'");
        statusDescription(name, "changed elsewhere");
    }

    @Test
    void losingTheListeningConnectionStopsCachingUntilItIsBack() {
        await("listening", listener::listening);
        String name = create();
        statusDescription(name, "first");
        assertTrue(cache.holds(name));

        TestDatabase.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN "
                + PipelineChangeListener.CHANNEL + "%'");
        await("the cache is distrusted", () -> !cache.trusted());
        assertFalse(cache.holds(name), "nothing kept while notifications may be missed");

        await("listening again", listener::listening);
        statusDescription(name, "first");
        assertTrue(cache.holds(name), "cached again once listening");
        TestDatabase.execute("UPDATE sluice.pipeline SET description = 'after reconnect' WHERE name = '" + name + "'");
        await("the notification dropped the entry", () -> !cache.holds(name));
        statusDescription(name, "after reconnect");
    }
}
