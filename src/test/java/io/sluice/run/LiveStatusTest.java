package io.sluice.run;

import static io.sluice.run.RunApi.create;
import static io.sluice.run.RunApi.startRun;
import static io.sluice.run.RunApi.write;
import static io.sluice.support.Api.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.sluice.TestAuth;
import io.sluice.support.Api;

/**
 * Live status without polling: ETags and 304s until a change, long-polls answered by the change
 * notification (not the re-check timer), and Server-Sent Events of a run's progress to its end.
 */
@QuarkusTest
class LiveStatusTest {
    /** Far below the 5 s re-check timer: only a change notification can answer this fast. */
    private static final long ANSWER_BOUND_MS = 1000;

    @TempDir
    Path root;

    @TestHTTPResource("/")
    URL base;

    private static Map<String, Object> pipeline(String connector, String table) {
        Map<String, Object> body = new HashMap<>();
        body.put("program_code", "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, email TEXT NOT NULL, age INT)");
        body.put("source", Map.of("connector", connector, "prefix", "", "format", "csv", "options", Map.of("header", true)));
        body.put("load_strategy", "append");
        body.put("partitions", 1);
        return body;
    }

    @Test
    void answers304WithTheSameETagUntilTheResourceChanges() {
        String id = create(pipeline(Api.localConnector(root), Api.unique("live_t").toLowerCase()));
        String name = RunApi.nameOf(id);
        for (String path : List.of("/v0/pipelines/" + name + "?selector=status", "/v0/pipelines/" + name,
                "/v0/pipelines/" + name + "/events")) {
            String etag = admin().get(path).then().statusCode(200).header("ETag", org.hamcrest.Matchers.startsWith("W/\""))
                    .extract().header("ETag");
            for (int i = 0; i < 2; i++) {
                admin().header("If-None-Match", etag).get(path).then().statusCode(304).header("ETag", etag);
            }
            admin().header("If-None-Match", "W/\"other\"").get(path).then().statusCode(200).header("ETag", etag);
        }
        String status = "/v0/pipelines/" + name + "?selector=status";
        String before = admin().get(status).then().extract().header("ETag");
        admin().body(Map.of("description", "changed")).patch("/v0/pipelines/" + name).then().statusCode(200);
        String after = admin().header("If-None-Match", before).get("/v0/pipelines/" + name).then().statusCode(200)
                .extract().header("ETag");
        assertNotEquals(before, after);

        write(root, "a.csv", RunsTest.csv(1, 1000, 0));
        String run = startRun(id);
        RunApi.awaitRun(id, run);
        String progress = "/api/v1/pipelines/" + id + "/runs/" + run + "/progress";
        String finished = admin().get(progress).then().statusCode(200).extract().header("ETag");
        admin().header("If-None-Match", finished).get(progress).then().statusCode(304).header("ETag", finished);
        // A wait on what cannot change any more ends with a 304 when the wait is over.
        long t0 = System.nanoTime();
        admin().header("If-None-Match", finished).get(progress + "?wait=300ms").then().statusCode(304);
        assertTrue(System.nanoTime() - t0 >= 300_000_000L, "answered before the wait was over");
        admin().get(progress + "?wait=soon").then().statusCode(400).body("error_code", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void aLongPollAnswersAsSoonAsThePipelineChanges() throws Exception {
        String id = create(pipeline(Api.localConnector(root), Api.unique("live_w").toLowerCase()));
        String name = RunApi.nameOf(id);
        String status = "/v0/pipelines/" + name + "?selector=status";
        List<Long> latencies = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            String etag = admin().get(status).then().statusCode(200).extract().header("ETag");
            CompletableFuture<Long> answered = CompletableFuture.supplyAsync(() -> {
                Response r = admin().header("If-None-Match", etag).get(status + "&wait=30s");
                long at = System.nanoTime();
                assertEquals(200, r.statusCode());
                assertNotEquals(etag, r.header("ETag"));
                return at;
            });
            // The change must come after the request started waiting, or it is answered at once anyway.
            Thread.sleep(300);
            assertTrue(!answered.isDone(), "answered before any change");
            admin().body(Map.of("description", "round " + round)).patch("/v0/pipelines/" + name).then().statusCode(200);
            long changed = System.nanoTime();
            long latencyMs = (answered.get(10, TimeUnit.SECONDS) - changed) / 1_000_000;
            latencies.add(latencyMs);
        }
        System.out.println("long-poll answered " + latencies + " ms after the change was committed");
        assertTrue(latencies.stream().allMatch(ms -> ms < ANSWER_BOUND_MS), latencies.toString());
    }

    @Test
    void aLongPollOnRunProgressAnswersWithTheNextCommittedBatch() throws Exception {
        String id = create(pipeline(Api.localConnector(root), Api.unique("live_p").toLowerCase()));
        write(root, "big.csv", RunsTest.csv(1, 20_000, 0));
        String run = startRun(id);
        String progress = "/api/v1/pipelines/" + id + "/runs/" + run + "/progress";
        String etag = admin().get(progress).then().statusCode(200).extract().header("ETag");
        int answers = 0;
        String state = "pending";
        while (!List.of("completed", "completed_with_errors", "failed").contains(state)) {
            Response r = admin().header("If-None-Match", etag).get(progress + "?wait=30s");
            assertEquals(200, r.statusCode(), "a running run changes before 30 s");
            assertNotEquals(etag, r.header("ETag"));
            etag = r.header("ETag");
            state = r.jsonPath().getString("status");
            answers++;
        }
        assertEquals(20_000, admin().get(progress).then().extract().jsonPath().getLong("processedRows"));
        assertTrue(answers >= 2, "answers: " + answers);
    }

    @Test
    void anSseClientReceivesTheRunsProgressUntilItFinishes() throws Exception {
        String id = create(pipeline(Api.localConnector(root), Api.unique("live_s").toLowerCase()));
        write(root, "big.csv", RunsTest.csv(1, 20_000, 0));
        String run = startRun(id);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/v1/pipelines/" + id + "/runs/" + run + "/progress"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + TestAuth.adminKey())
                .timeout(Duration.ofSeconds(60)).build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<JsonPath> events = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            StringBuilder data = new StringBuilder();
            while ((line = reader.readLine()) != null) { // the server ends the stream after the finished run
                if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                } else if (line.startsWith("id:")) {
                    ids.add(line.substring(3).strip());
                } else if (line.isEmpty() && data.length() > 0) {
                    events.add(new JsonPath(data.toString()));
                    data.setLength(0);
                }
            }
        }
        assertTrue(events.size() >= 2, "events: " + events.size());
        JsonPath last = events.get(events.size() - 1);
        assertEquals("completed", last.getString("status"));
        assertEquals(20_000, last.getLong("processedRows"));
        long previous = -1;
        for (JsonPath e : events) {
            assertTrue(e.getLong("processedRows") >= previous, "rows never go back");
            previous = e.getLong("processedRows");
        }
        assertEquals(events.size(), ids.stream().distinct().count(), "each event says something new");
        String finalEtag = admin().get("/api/v1/pipelines/" + id + "/runs/" + run + "/progress").then().extract().header("ETag");
        assertEquals(finalEtag, ids.get(ids.size() - 1));
        // A plain GET still answers JSON.
        admin().get("/api/v1/pipelines/" + id + "/runs/" + run + "/progress").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("application/json"));
        // Generated clients accept every documented media type of the operation: they get the JSON answer
        String both = "application/json, text/event-stream";
        admin().accept(both).get("/api/v1/pipelines/" + id + "/runs/" + run + "/progress").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("application/json"));
        admin().accept(both).get("/v0/pipelines/" + RunApi.nameOf(id) + "/events").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("application/json"));
    }

    @Test
    void anSseClientReceivesEachNewPipelineEvent() throws Exception {
        String id = create(pipeline(Api.localConnector(root), Api.unique("live_e").toLowerCase()));
        String name = RunApi.nameOf(id);
        List<String> before = admin().get("/v0/pipelines/" + name + "/events").then().extract().jsonPath().getList("event_id");
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "v0/pipelines/" + name + "/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + TestAuth.adminKey())
                .timeout(Duration.ofSeconds(60)).build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        List<String> received = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            boolean started = false;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("id:")) {
                    received.add(line.substring(3).strip());
                    if (!started) {
                        started = true;
                        // The stream began with the latest event; a change of status records new ones.
                        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
                    }
                }
                if (received.size() >= 2) {
                    break;
                }
            }
        }
        assertNotNull(before);
        assertEquals(before.isEmpty() ? null : before.get(0), received.get(0), "starts with the latest event");
        assertTrue(!before.contains(received.get(1)), "then a new one");
    }
}
