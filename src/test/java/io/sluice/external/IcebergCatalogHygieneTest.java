package io.sluice.external;

import static io.sluice.external.IcebergFixtures.sync;
import static io.sluice.external.IcebergFixtures.tableConfig;
import static io.sluice.support.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sluice.external.iceberg.SluiceFileIO;
import io.sluice.support.Api;
import io.sluice.support.S3ProxyResource;
import io.sluice.support.TestDatabase;

/**
 * A lake's JDBC catalog as PyIceberg 0.11 and older leave it (schema V0: no {@code iceberg_type}) in
 * a database of its own, read by Sluice through a role that may only SELECT: the sync works and the
 * catalog's tables are unchanged; a V1 catalog through that role too. Secrets in catalog config are refused and never echoed. (With
 * s3proxy's test resource: its secret, a configuration property like an environment variable, is
 * the reader role's password.)
 */
@QuarkusTest
@WithTestResource(S3ProxyResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IcebergCatalogHygieneTest {
    private static final String CATALOG = "lake_v0";
    private static final String READER = "lake_reader";
    private final String database = "lake_" + Long.toHexString(System.nanoTime());
    private Path warehouse;
    private Catalog owner;

    /** The test PostgreSQL's owner password (the embedded server takes password logins only). */
    private static String ownerPassword() {
        return ConfigProvider.getConfig().getValue("quarkus.datasource.password", String.class);
    }

    private String lakeUri() {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.reactive.url", String.class);
        return "jdbc:" + url.substring(0, url.lastIndexOf('/') + 1) + database;
    }

    private static String password() {
        return ConfigProvider.getConfig().getValue(S3ProxyResource.SECRET_KEY_ENV, String.class);
    }

    @BeforeAll
    void lake() throws Exception {
        warehouse = Api.tempDir();
        TestDatabase.execute("CREATE DATABASE " + database);
        TestDatabase.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + READER + "') THEN CREATE ROLE "
                + READER + " LOGIN; END IF; END $$");
        TestDatabase.execute("ALTER ROLE " + READER + " PASSWORD '" + password() + "'");
        try (Connection c = DriverManager.getConnection(lakeUri() + "?user=postgres&password=" + ownerPassword()); Statement s = c.createStatement()) {
            // the V0 layout, as PyIceberg <= 0.11 creates it
            s.execute("CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, table_namespace VARCHAR(255) NOT NULL,"
                    + " table_name VARCHAR(255) NOT NULL, metadata_location VARCHAR(1000), previous_metadata_location VARCHAR(1000),"
                    + " PRIMARY KEY (catalog_name, table_namespace, table_name))");
            s.execute("CREATE TABLE iceberg_namespace_properties (catalog_name VARCHAR(255) NOT NULL, namespace VARCHAR(255) NOT NULL,"
                    + " property_key VARCHAR(255), property_value VARCHAR(1000), PRIMARY KEY (catalog_name, namespace, property_key))");
        }
        Map<String, String> props = new HashMap<>();
        props.put(CatalogUtil.ICEBERG_CATALOG_TYPE, "jdbc");
        props.put(CatalogProperties.URI, lakeUri() + "?user=postgres&password=" + ownerPassword());
        props.put(CatalogProperties.WAREHOUSE_LOCATION, "file:" + warehouse);
        props.put("jdbc.schema-version", "V0");
        props.put("jdbc.init-catalog-tables", "false");
        props.put(CatalogProperties.FILE_IO_IMPL, SluiceFileIO.class.getName());
        owner = IcebergFixtures.catalog(CATALOG, props);
        try (Connection c = DriverManager.getConnection(lakeUri() + "?user=postgres&password=" + ownerPassword()); Statement s = c.createStatement()) {
            s.execute("GRANT CONNECT ON DATABASE " + database + " TO " + READER);
            s.execute("GRANT USAGE ON SCHEMA public TO " + READER);
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + READER);
        }
    }

    @AfterAll
    void cleanUp() throws Exception {
        if (owner instanceof AutoCloseable c) {
            c.close();
        }
        Api.deleteRecursively(warehouse);
    }

    private Map<String, String> readerTask(String icebergTable) {
        Map<String, String> task = new HashMap<>();
        task.put("catalogType", "jdbc");
        task.put("catalog.name", CATALOG);
        task.put("catalog.uri", lakeUri());
        task.put("catalog.warehouse", "file:" + warehouse);
        task.put("catalog.jdbc.user", READER);
        task.put("catalog.jdbc.password-env", S3ProxyResource.SECRET_KEY_ENV);
        task.put("icebergTable", icebergTable);
        return task;
    }

    @Test
    void aV0CatalogReadThroughAReadOnlyRoleSyncsAndIsLeftUnchanged() throws Exception {
        String name = Api.unique("pyiceberg").toLowerCase();
        Table table = IcebergFixtures.createTable(owner, "shop", name);
        IcebergFixtures.commit(table, 1, 2, 50);
        List<String> columnsBefore = catalogColumns();
        List<String> rowsBefore = catalogRows();
        assertFalse(columnsBefore.contains("iceberg_type"), columnsBefore.toString());

        admin().body(tableConfig(name, readerTask("shop." + name))).post("/tables").then().log().ifValidationFails()
                .statusCode(201).body("catalogUri", equalTo(lakeUri()));
        JsonPath s = sync(name + "_OFFLINE");
        assertEquals("COMPLETED", s.getString("status"), s.prettify());
        assertEquals(100, IcebergFixtures.rows(name));

        assertEquals(columnsBefore, catalogColumns(), "no DDL on the lake's catalog");
        assertEquals(rowsBefore, catalogRows());
        // the stored config names the variable, never its value
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM sluice.external_table WHERE task_config LIKE '%"
                + password() + "%'"));
        admin().get("/tables/" + name).then().statusCode(200).body(not(containsString(password())));
    }

    @Test
    void aV1CatalogReadThroughAReadOnlyRoleSyncsToo() throws Exception {
        // the V1 layout (iceberg_type), as current Iceberg writers create it, in the application's database
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.reactive.url", String.class);
        String database = "jdbc:" + url.substring(0, url.indexOf('?'));
        Catalog v1 = IcebergFixtures.catalog("lake_v1", IcebergFixtures.jdbcCatalogProperties("lake_v1", "file:" + warehouse));
        try {
            String name = Api.unique("current").toLowerCase();
            Table table = IcebergFixtures.createTable(v1, "shop", name);
            IcebergFixtures.commit(table, 1, 1, 40);
            TestDatabase.execute("GRANT SELECT ON public.iceberg_tables, public.iceberg_namespace_properties TO " + READER);
            Map<String, String> task = readerTask("shop." + name);
            task.put("catalog.name", "lake_v1");
            task.put("catalog.uri", database);
            admin().body(tableConfig(name, task)).post("/tables").then().log().ifValidationFails().statusCode(201);
            JsonPath s = sync(name + "_OFFLINE");
            assertEquals("COMPLETED", s.getString("status"), s.prettify());
            assertEquals(40, IcebergFixtures.rows(name));
        } finally {
            if (v1 instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    @Test
    void plainSecretsAndPasswordsInUrisAreRefused() {
        String name = Api.unique("secret").toLowerCase();
        Map<String, String> plain = readerTask("shop.x");
        plain.remove("catalog.jdbc.password-env");
        plain.put("catalog.jdbc.password", "hunter2");
        admin().body(tableConfig(name, plain)).post("/tables").then().statusCode(400)
                .body("error_code", equalTo("InvalidField"))
                .body("message", containsString("catalog.jdbc.password-env"))
                .body("message", not(containsString("hunter2")));

        Map<String, String> s3Secret = readerTask("shop.x");
        s3Secret.put("catalog.s3.secret-access-key", "hunter2");
        admin().body(tableConfig(name, s3Secret)).post("/tables").then().statusCode(400)
                .body("details.field", containsString("catalog.s3.secret-access-key"));

        Map<String, String> inUri = readerTask("shop.x");
        inUri.put("catalog.uri", lakeUri() + "?user=" + READER + "&password=hunter2");
        admin().body(tableConfig(name, inUri)).post("/tables").then().statusCode(400)
                .body("details.field", containsString("catalog.uri")).body(not(containsString("hunter2")));

        Map<String, String> otherVariable = readerTask("shop.x");
        otherVariable.put("catalog.jdbc.password-env", "HOME");
        admin().body(tableConfig(name, otherVariable)).post("/tables").then().statusCode(400)
                .body("message", containsString("sluice.s3.credential-variable-prefixes"));
        admin().get("/tables/" + name).then().statusCode(404);
    }

    private List<String> catalogColumns() throws Exception {
        return strings("SELECT table_name || '.' || column_name || ':' || data_type FROM information_schema.columns"
                + " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position");
    }

    private List<String> catalogRows() throws Exception {
        return strings("SELECT catalog_name || '|' || table_namespace || '|' || table_name || '|' || metadata_location"
                + " FROM iceberg_tables ORDER BY 1");
    }

    private List<String> strings(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(lakeUri() + "?user=postgres&password=" + ownerPassword()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
