package io.sluice.external;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Table;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.rest.HTTPRequest;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTResponse;
import org.apache.iceberg.rest.ParserContext;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.sluice.support.Api;
import io.sluice.support.PackagedSluice;
import io.sluice.support.S3ProxyResource;

/**
 * Lakes on S3 in the packaged application ({@code target/quarkus-app/quarkus-run.jar}, a child JVM):
 * Iceberg metadata and data files on s3proxy, behind a JDBC catalog (S3 settings from an s3
 * connector) and behind a REST catalog that vends the S3 credentials with each table (the table
 * config holds none), each synced row for row.
 */
class IcebergLakeOnS3IT {
    private static final String KEY = "sluice-it-admin-" + UUID.randomUUID();
    private static final String WAREHOUSE = "s3://" + S3ProxyResource.BUCKET + "/lake";

    private Path work;
    private S3ProxyResource s3proxy;
    private Map<String, String> s3;
    private PackagedSluice sluice;
    private String baseUri;

    private static final String PG_PASSWORD = "it-" + java.util.UUID.randomUUID();

    @BeforeEach
    void start() throws Exception {
        Path build = Path.of(System.getProperty("sluice.it.build-dir", "target")).toAbsolutePath();
        work = Files.createTempDirectory(Files.createDirectories(build), "lake-it-");
        s3proxy = new S3ProxyResource();
        s3 = s3proxy.start();
        // The embedded PostgreSQL (which also holds the lake's catalog here) takes the password of a
        // password file written before its first start; the table config names it by variable.
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("postgres.password"), PG_PASSWORD + "\n");
        Files.setPosixFilePermissions(data.resolve("postgres.password"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        sluice = PackagedSluice.start(work, KEY, Map.of(
                "SLUICE_S3_IT_ACCESS_KEY", s3.get(S3ProxyResource.ACCESS_KEY_ENV),
                "SLUICE_S3_IT_SECRET_KEY", s3.get(S3ProxyResource.SECRET_KEY_ENV),
                "SLUICE_S3_IT_PG_PASSWORD", PG_PASSWORD));
        baseUri = sluice.baseUri();
    }

    @AfterEach
    void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
        if (s3proxy != null) {
            s3proxy.stop();
        }
        Api.deleteRecursively(work);
    }

    private RequestSpecification api() {
        return given().baseUri(baseUri).auth().oauth2(KEY).contentType(ContentType.JSON);
    }

    /** The packaged app's own (embedded) PostgreSQL, which also holds the lake's JDBC catalog here. */
    private String postgres() throws IOException {
        int port = Integer.parseInt(Files.readAllLines(work.resolve("data/postgres/postmaster.pid")).get(3).strip());
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    private Map<String, String> s3Settings() {
        return Map.of("s3.endpoint", s3.get("sluice-test.s3.endpoint"), "s3.path-style-access", "true",
                "client.region", "us-east-1", "http-client.type", "urlconnection");
    }

    /** The lake's writer: a JDBC catalog with metadata and data on s3proxy. */
    private Catalog writer(String name) throws IOException {
        Map<String, String> props = new HashMap<>(s3Settings());
        props.put(CatalogUtil.ICEBERG_CATALOG_TYPE, "jdbc");
        props.put(CatalogProperties.URI, postgres() + "?user=postgres&password=" + PG_PASSWORD);
        props.put(CatalogProperties.WAREHOUSE_LOCATION, WAREHOUSE);
        props.put("jdbc.schema-version", "V1");
        props.put(CatalogProperties.FILE_IO_IMPL, S3FileIO.class.getName());
        props.put("s3.access-key-id", s3.get(S3ProxyResource.ACCESS_KEY_ENV));
        props.put("s3.secret-access-key", s3.get(S3ProxyResource.SECRET_KEY_ENV));
        return IcebergFixtures.catalog(name, props);
    }

    @Test
    void tablesOnS3BehindJdbcAndVendingRestCatalogsSyncInThePackagedApp() throws Exception {
        try {
            Catalog jdbc = writer("lake");
            Table orders = IcebergFixtures.createTable(jdbc, "sales", "orders");
            IcebergFixtures.commit(orders, 1, 2, 500);

            // JDBC catalog, S3 settings from an s3 connector naming environment variables
            api().body(Map.of("name", "lake", "type", "s3", "config", Map.of("bucket", S3ProxyResource.BUCKET,
                    "region", "us-east-1", "endpoint", s3.get("sluice-test.s3.endpoint"), "pathStyle", true,
                    "accessKeyIdEnv", "SLUICE_S3_IT_ACCESS_KEY", "secretAccessKeyEnv", "SLUICE_S3_IT_SECRET_KEY")))
                    .post("/api/v1/connectors").then().statusCode(201);
            Map<String, String> task = new HashMap<>();
            task.put("catalogType", "jdbc");
            task.put("catalog.name", "lake");
            task.put("catalog.uri", postgres());
            task.put("catalog.jdbc.user", "postgres");
            task.put("catalog.jdbc.password-env", "SLUICE_S3_IT_PG_PASSWORD");
            task.put("catalog.warehouse", WAREHOUSE);
            task.put("connector", "lake");
            task.put("icebergTable", "sales.orders");
            api().body(IcebergFixtures.tableConfig("orders", task)).post("/tables").then().log().ifValidationFails().statusCode(201);
            assertCompleted(sync("orders_OFFLINE"));
            assertEquals(1000, count("orders"));

            // REST catalog vending credentials: the table config has the endpoint, no credentials
            try (VendingRestServer rest = new VendingRestServer(jdbc, Map.of(
                    "s3.access-key-id", s3.get(S3ProxyResource.ACCESS_KEY_ENV),
                    "s3.secret-access-key", s3.get(S3ProxyResource.SECRET_KEY_ENV)))) {
                Table events = IcebergFixtures.createTable(jdbc, "sales", "events");
                IcebergFixtures.commit(events, 1, 3, 100);
                Map<String, String> restTask = new HashMap<>();
                restTask.put("catalogType", "rest");
                restTask.put("catalog.uri", rest.uri());
                s3Settings().forEach((k, v) -> restTask.put("catalog." + k, v));
                restTask.put("icebergTable", "sales.events");
                api().body(IcebergFixtures.tableConfig("events", restTask)).post("/tables").then().log().ifValidationFails()
                        .statusCode(201).body("catalogUri", equalTo(rest.uri()));
                assertCompleted(sync("events_OFFLINE"));
                assertEquals(300, count("events"));
                assertEquals(true, rest.vended(), "the catalog was asked to vend credentials");
            }
        } catch (AssertionError | RuntimeException e) {
            printLog();
            throw e;
        }
    }

    private JsonPath sync(String table) {
        long triggered = System.currentTimeMillis() - 1000;
        api().body(Map.of("taskType", "ExternalTableSyncTask", "tableName", table)).post("/tasks/schedule").then().statusCode(200);
        return Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> api().get("/tables/" + table + "/externalTable/status").then().statusCode(200).extract().jsonPath(),
                        s -> s.getLong("startTimeMs") >= triggered && List.of("COMPLETED", "FAILED").contains(s.getString("status")));
    }

    private static void assertCompleted(JsonPath status) {
        assertEquals("COMPLETED", status.getString("status"), status.prettify());
    }

    private long count(String table) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres() + "?user=postgres&password=" + PG_PASSWORD); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id) FROM sluice_data.\"" + table + "\"")) {
            rs.next();
            assertEquals(rs.getLong(1), rs.getLong(2), "no row twice");
            return rs.getLong(1);
        }
    }

    private void printLog() {
        sluice.printLog();
    }

    /**
     * A REST catalog server that, like Polaris, returns S3 credentials in the load-table config when
     * the client asks with {@code X-Iceberg-Access-Delegation: vended-credentials}.
     */
    private static final class VendingRestServer implements AutoCloseable {
        private final RestCatalogServer server;
        private final boolean[] asked = new boolean[1];

        VendingRestServer(Catalog backing, Map<String, String> credentials) throws Exception {
            server = new RestCatalogServer(new RESTCatalogAdapter(backing) {
                @Override
                protected <T extends RESTResponse> T execute(HTTPRequest request, Class<T> responseType,
                        Consumer<ErrorResponse> errorHandler, Consumer<Map<String, String>> responseHeaders) {
                    return vend(request, responseType, super.execute(request, responseType, errorHandler, responseHeaders));
                }

                @Override
                protected <T extends RESTResponse> T execute(HTTPRequest request, Class<T> responseType,
                        Consumer<ErrorResponse> errorHandler, Consumer<Map<String, String>> responseHeaders,
                        ParserContext parserContext) {
                    return vend(request, responseType,
                            super.execute(request, responseType, errorHandler, responseHeaders, parserContext));
                }

                private <T extends RESTResponse> T vend(HTTPRequest request, Class<T> responseType, T response) {
                    boolean delegation = request.headers().entries("X-Iceberg-Access-Delegation").stream()
                            .anyMatch(h -> h.value().contains("vended-credentials"));
                    if (response instanceof LoadTableResponse loaded && delegation) {
                        asked[0] = true;
                        return responseType.cast(LoadTableResponse.builder().withTableMetadata(loaded.tableMetadata())
                                .addAllConfig(loaded.config()).addAllConfig(credentials).build());
                    }
                    return response;
                }
            });
        }

        String uri() {
            return server.uri();
        }

        boolean vended() {
            return asked[0];
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }
}
