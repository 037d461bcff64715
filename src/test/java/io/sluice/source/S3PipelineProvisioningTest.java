package io.sluice.source;

import static io.sluice.support.Api.admin;
import static io.sluice.support.Api.awaitPipeline;
import static io.sluice.support.Api.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.support.Api;
import io.sluice.support.S3ProxyResource;

/** Provisioning checks that an s3 connector's bucket can be reached before a pipeline runs. */
@QuarkusTest
@WithTestResource(S3ProxyResource.class)
class S3PipelineProvisioningTest {

    static String connector(String bucket) {
        String name = Api.unique("s3");
        admin().body(Map.of("name", name, "type", "s3", "config", S3ProxyResource.connectorConfig(bucket)))
                .post("/api/v1/connectors").then().statusCode(201);
        return name;
    }

    static String pipeline(String connector) {
        String name = Api.unique("orders");
        admin().body(Map.of(
                "program_code", "CREATE TABLE " + Api.unique("orders_t").toLowerCase() + " (id BIGINT PRIMARY KEY, total INT)",
                "source", Map.of("connector", connector, "prefix", "orders/", "format", "csv")))
                .put("/v0/pipelines/" + name).then().statusCode(201);
        awaitPipeline(name, p -> "Success".equals(p.getString("program_status")));
        return name;
    }

    @Test
    void aReachableBucketProvisionsToRunning() {
        String name = pipeline(connector(S3ProxyResource.BUCKET));
        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
        JsonPath running = awaitPipeline(name, p -> "Running".equals(p.getString("deployment_runtime_status")));
        assertEquals("Provisioned", running.getString("deployment_resources_status"));
        assertNull(running.get("deployment_error"));
        admin().post("/v0/pipelines/" + name + "/stop?force=true").then().statusCode(202);
        awaitPipeline(name, resources("Stopped"));
    }

    @Test
    void aMissingBucketEndsTheDeploymentWithConnectorUnreachable() {
        String connector = connector("missing-" + Api.unique("bucket").toLowerCase().replace('_', '-'));
        String name = pipeline(connector);
        admin().post("/v0/pipelines/" + name + "/start").then().statusCode(202);
        JsonPath failed = awaitPipeline(name, p -> p.get("deployment_error") != null
                && "Stopped".equals(p.getString("deployment_resources_status")));
        assertEquals("ConnectorUnreachable", failed.getString("deployment_error.error_code"));
        assertEquals(connector, failed.getString("deployment_error.details.connector"));
        String message = failed.getString("deployment_error.message");
        assertTrue(message.contains("does not exist"), message);
    }
}
