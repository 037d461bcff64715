package io.sluice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sluice.client.api.ApiKeysApi;
import io.sluice.client.api.ConnectorsApi;
import io.sluice.client.api.ExternalTablesApi;
import io.sluice.client.api.PipelinesApi;
import io.sluice.client.api.RunsApi;
import io.sluice.client.model.Connector;
import io.sluice.client.model.ConnectorRequest;
import io.sluice.client.model.ConnectorType;
import io.sluice.client.model.ExternalTable;
import io.sluice.client.model.ExternalTableConfig;
import io.sluice.client.model.ExternalTableSyncTask;
import io.sluice.client.model.ExternalTableTaskConfig;
import io.sluice.client.model.ExternalTableWatcherStatus;
import io.sluice.client.model.NewApiKeyRequest;
import io.sluice.client.model.NewApiKeyResponse;
import io.sluice.client.model.PipelineInfo;
import io.sluice.client.model.PipelineMonitorEvent;
import io.sluice.client.model.PipelineRequest;
import io.sluice.client.model.PipelineRun;
import io.sluice.client.model.ProgramStatus;
import io.sluice.client.model.ResourcesStatus;
import io.sluice.client.model.RunErrors;
import io.sluice.client.model.RunList;
import io.sluice.client.model.RunProgress;
import io.sluice.client.model.RunStatus;
import io.sluice.client.model.ScheduleTaskRequest;
import io.sluice.client.model.SourceFormat;
import io.sluice.client.model.SourceSpec;
import io.sluice.client.model.ValidationRule;
import io.sluice.client.model.ValidationRuleKind;
import io.sluice.client.model.WatcherState;
import io.sluice.external.IcebergFixtures;
import io.sluice.support.Api;
import io.sluice.support.PackagedSluice;
import io.sluice.support.S3ProxyResource;

/**
 * The README's walk through Sluice, with the Java client the build generated from the service's own
 * OpenAPI document (target/generated-clients/java), against the packaged application: an API key, a
 * local connector, a pipeline started and provisioned, a run with a row that fails validation, its
 * progress, errors and retry, a raw S3 external table (s3proxy in this JVM) synced through
 * /tasks/schedule, the tables' and the pipeline's status, and no ERROR line in the service's log.
 */
class GeneratedClientIT {
    private static final String BOOTSTRAP_KEY = "sluice-client-it-" + UUID.randomUUID();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ACCESS_KEY_ENV = "SLUICE_S3_CLIENT_IT_KEY";
    private static final String SECRET_KEY_ENV = "SLUICE_S3_CLIENT_IT_SECRET";

    private Path work;
    private S3ProxyResource s3;
    private Map<String, String> s3Config;
    private PackagedSluice sluice;

    @BeforeEach
    void start() throws Exception {
        Path build = Path.of(System.getProperty("sluice.it.build-dir", "target")).toAbsolutePath();
        work = Files.createTempDirectory(Files.createDirectories(build), "client-it-");
        s3 = new S3ProxyResource();
        s3Config = s3.start();
        // The connector names the credentials' environment variables (with an allowed prefix); the child process has them.
        sluice = PackagedSluice.start(work, BOOTSTRAP_KEY, Map.of(
                ACCESS_KEY_ENV, s3Config.get(S3ProxyResource.ACCESS_KEY_ENV),
                SECRET_KEY_ENV, s3Config.get(S3ProxyResource.SECRET_KEY_ENV)));
    }

    @AfterEach
    void stop() {
        if (sluice != null) {
            sluice.close();
        }
        if (s3 != null) {
            s3.stop();
        }
        Api.deleteRecursively(work);
    }

    @Test
    void theReadmeWalkWorksWithTheGeneratedJavaClient() throws Exception {
        try {
            walk();
            assertEquals(List.of(), sluice.errorLines(), "ERROR lines in the service log");
        } catch (Exception | AssertionError e) {
            sluice.printLog();
            throw e;
        }
    }

    private void walk() throws Exception {
        // 1. An API key, created with the bootstrap key; the rest of the walk uses the new key.
        NewApiKeyResponse key = new ApiKeysApi(client(BOOTSTRAP_KEY))
                .postApiKey(new NewApiKeyRequest().name("walker").role(NewApiKeyRequest.RoleEnum.ADMIN));
        assertEquals("walker", key.getName());
        assertNotNull(key.getApiKey(), "the key itself is returned once, on creation");
        ApiClient client = client(key.getApiKey());
        ConnectorsApi connectors = new ConnectorsApi(client);
        PipelinesApi pipelines = new PipelinesApi(client);
        RunsApi runs = new RunsApi(client);
        ExternalTablesApi tables = new ExternalTablesApi(client);

        // 2. A local connector over an inbox with one file: two valid rows and one invalid email
        Path inbox = Files.createDirectories(work.resolve("inbox/customers"));
        Files.writeString(inbox.resolve("part-1.csv"), "id,email,age\n1,a@example.com,30\n2,not-an-email,40\n3,c@example.com,50\n");
        Connector connector = connectors.createConnector(new ConnectorRequest().name("inbox").type(ConnectorType.LOCAL)
                .config(Map.of("root", work.resolve("inbox").toString())));
        assertEquals("inbox", connector.getName());

        // 3. A pipeline, 4. started: it compiles and provisions its table
        pipelines.putPipeline("customers", new PipelineRequest()
                .programCode("CREATE TABLE customers (id BIGINT PRIMARY KEY, email TEXT NOT NULL, age INT)")
                .source(new SourceSpec().connector("inbox").prefix("customers/").format(SourceFormat.CSV)
                        .options(Map.of("header", true)))
                .loadStrategy(io.sluice.client.model.LoadStrategy.UPSERT)
                .validation(Map.of("email", List.of(new ValidationRule().rule(ValidationRuleKind.EMAIL)))));
        pipelines.postPipelineStart("customers", null, null);
        PipelineInfo provisioned = await(() -> pipelines.getPipeline("customers", null, null, null),
                p -> p.getProgramStatus() == ProgramStatus.SUCCESS
                        && p.getDeploymentResourcesStatus() == ResourcesStatus.PROVISIONED);
        String pipelineId = provisioned.getId().toString();

        // 5. A run, its progress, its errors and its retry
        PipelineRun run = runs.triggerRun("customers");
        PipelineRun ended = await(() -> runs.getRun(pipelineId, run.getId().toString()),
                r -> r.getStatus() != RunStatus.PENDING && r.getStatus() != RunStatus.RUNNING);
        assertEquals(RunStatus.COMPLETED_WITH_ERRORS, ended.getStatus(), String.valueOf(ended));
        RunProgress progress = runs.getRunProgress(pipelineId, run.getId().toString(), null, null);
        assertEquals(3L, progress.getTotalRows());
        assertEquals(1L, progress.getFailedRows());
        RunErrors errors = runs.getRunErrors(pipelineId, run.getId().toString());
        assertEquals(1L, errors.getTotal());
        assertEquals("email", errors.getErrors().get(0).getColumn());
        PipelineRun retry = runs.retryRun(pipelineId, run.getId().toString());
        assertEquals(run.getId().toString(), String.valueOf(retry.getMetadata().getRetryOf()));
        await(() -> runs.getRun(pipelineId, retry.getId().toString()),
                r -> r.getStatus() != RunStatus.PENDING && r.getStatus() != RunStatus.RUNNING);
        RunList list = runs.listRuns(pipelineId, 0, 10);
        assertEquals(2, list.getRuns().size());

        // 6. A raw S3 external table over Parquet objects, synced on demand
        connectors.createConnector(new ConnectorRequest().name("lake").type(ConnectorType.S3).config(Map.of(
                "bucket", S3ProxyResource.BUCKET, "region", "us-east-1", "pathStyle", true,
                "endpoint", s3Config.get(S3ProxyResource.ENDPOINT),
                "accessKeyIdEnv", ACCESS_KEY_ENV, "secretAccessKeyEnv", SECRET_KEY_ENV)));
        Path object = Path.of(s3Config.get(S3ProxyResource.BASEDIR), S3ProxyResource.BUCKET, "orders", "part-1.parquet");
        Files.createDirectories(object.getParent());
        Files.write(object, IcebergFixtures.parquet(1, 40));
        ExternalTable table = tables.createTable(new ExternalTableConfig().tableName("orders").tableType(ExternalTableConfig.TableTypeEnum.OFFLINE)
                .task(new ExternalTableTaskConfig().putTaskTypeConfigsMapItem("ExternalTableSyncTask", new ExternalTableSyncTask()
                        .connector("lake").inputDirURI("s3://" + S3ProxyResource.BUCKET + "/orders/")
                        .inputFormat(ExternalTableSyncTask.InputFormatEnum.PARQUET).schedule("0 0 * * * ?"))));
        assertEquals("orders", table.getTableName());
        tables.scheduleTask(null, null, new ScheduleTaskRequest().taskType(ScheduleTaskRequest.TaskTypeEnum.EXTERNAL_TABLE_SYNC_TASK)
                .tableName("orders"));
        ExternalTableWatcherStatus synced = await(() -> tables.getExternalTableStatus("orders_OFFLINE", null, null),
                s -> s.getStatus() == WatcherState.COMPLETED || s.getStatus() == WatcherState.FAILED);
        assertEquals(WatcherState.COMPLETED, synced.getStatus(), String.valueOf(synced));
        assertEquals(1, synced.getFilesDiscovered());
        assertTrue(tables.listTables().getTables().contains("orders"));

        // 7. Status: the pipeline's, and its history
        PipelineInfo status = pipelines.getPipeline("customers", "status", null, null);
        assertNotNull(status.getDeploymentStatus());
        List<PipelineMonitorEvent> events = pipelines.listPipelineEvents("customers", null, null, null);
        assertTrue(!events.isEmpty(), "the pipeline's history");
    }

    private ApiClient client(String bearer) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(sluice.baseUri());
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + bearer));
        return client;
    }

    private static <T> T await(Callable<T> call, Predicate<T> condition) {
        return Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(call, condition);
    }
}
