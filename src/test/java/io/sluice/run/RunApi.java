package io.sluice.run;

import static io.sluice.support.Api.admin;
import static io.sluice.support.Api.awaitPipeline;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;

import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;

/** HTTP helpers for run tests: pipelines ready to run, starting runs and waiting for their end. */
final class RunApi {
    private RunApi() {
    }

    /** PUTs a pipeline with a unique name and waits until its program compiled; returns its id. */
    static String create(Map<String, Object> body) {
        return awaitCompiled(put(body));
    }

    /** PUTs a pipeline with a unique name; returns the name. */
    static String put(Map<String, Object> body) {
        String name = Api.unique("runs");
        admin().body(body).put("/v0/pipelines/" + name).then().statusCode(201);
        return name;
    }

    /** Waits until the pipeline's program compiled; returns its id. */
    static String awaitCompiled(String name) {
        return awaitPipeline(name, p -> "Success".equals(p.getString("program_status"))).getString("id");
    }

    /**
     * PUTs a pipeline with touch-file polling ({@code _READY.dat}, deleteAfterProcess), starts it and
     * waits until it is Running; returns its name.
     */
    static String createPolledAndStart(Map<String, Object> body) {
        Map<String, Object> polled = new HashMap<>(body);
        polled.put("polling", Map.of("enabled", true, "intervalMinutes", 15, "touchFile", "_READY.dat",
                "deleteAfterProcess", true));
        String name = Api.unique("polled");
        admin().body(polled).put("/v0/pipelines/" + name).then().statusCode(201);
        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
        awaitPipeline(name, p -> "Running".equals(p.getString("deployment_runtime_status")));
        return name;
    }

    static String nameOf(String pipelineId) {
        return admin().get("/v0/pipelines").then().statusCode(200).extract().jsonPath()
                .getString("find { it.id == '" + pipelineId + "' }.name");
    }

    static String startRun(String pipelineId) {
        return admin().post("/api/v1/pipelines/" + pipelineId + "/runs").then().statusCode(201)
                .body("status", equalTo("pending")).extract().path("id");
    }

    /** Waits (60 s at most) until the run is neither pending nor running, and returns it. */
    static JsonPath awaitRun(String pipelineId, String runId) {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> admin().get("/api/v1/pipelines/" + pipelineId + "/runs/" + runId).then().statusCode(200)
                        .extract().jsonPath(), r -> !List.of("pending", "running").contains(r.getString("status")));
    }

    /** Starts a run and waits for its end. */
    static JsonPath run(String pipelineId) {
        return awaitRun(pipelineId, startRun(pipelineId));
    }

    /** POSTs the retry of a run (201) and waits for the new run's end. */
    static JsonPath retry(String pipelineId, String runId) {
        String retryId = admin().post("/api/v1/pipelines/" + pipelineId + "/runs/" + runId + "/retry").then()
                .statusCode(201).body("metadata.retryOf", equalTo(runId)).extract().path("id");
        return awaitRun(pipelineId, retryId);
    }

    static JsonPath progress(String pipelineId, String runId) {
        return admin().get("/api/v1/pipelines/" + pipelineId + "/runs/" + runId + "/progress").then().statusCode(200)
                .extract().jsonPath();
    }

    static void write(Path dir, String name, String content) {
        write(dir, name, content.getBytes(StandardCharsets.UTF_8));
    }

    static void write(Path dir, String name, byte[] content) {
        try {
            Files.createDirectories(dir.resolve(name).getParent());
            Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
