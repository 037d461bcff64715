package io.sluice.external.iceberg;

import java.util.HashMap;
import java.util.Map;

import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;

/**
 * Iceberg catalogs of external tables ({@code rest} or {@code jdbc}), from the table config's
 * {@code catalog.<property>} entries, with {@link SluiceFileIO} unless {@code io-impl} names another.
 * BLOCKING: every method talks to the catalog or the object store.
 */
public final class IcebergCatalogs {
    /**
     * JdbcCatalog's layout version. Always V0 here: JdbcCatalog detects a V1 catalog by itself (its
     * {@code iceberg_tables} has {@code iceberg_type}) and then works as V1 without DDL, while
     * {@code V1} on a V0 catalog (PyIceberg 0.11 and older) would make it ALTER the lake's table.
     */
    private static final String JDBC_SCHEMA_VERSION = "jdbc.schema-version";
    /** Off: JdbcCatalog would otherwise create its tables in the lake's database (a sync only reads). */
    private static final String JDBC_INIT_TABLES = "jdbc.init-catalog-tables";
    /** The header a REST catalog vends credentials on (Polaris, Iceberg REST spec), unless the config sets it. */
    public static final String ACCESS_DELEGATION_HEADER = "header.X-Iceberg-Access-Delegation";
    /** The catalog's name ({@code catalog.name} in the table config). */
    public static final String NAME = "name";
    public static final String DEFAULT_NAME = "default";

    private IcebergCatalogs() {
    }

    /** The catalog properties: the user's plus defaults (FileIO, JDBC layout) and the S3 settings of a connector. */
    public static Map<String, String> properties(String catalogType, Map<String, String> catalog, Map<String, String> s3) {
        Map<String, String> props = new HashMap<>(s3);
        props.putAll(catalog);
        props.put(CatalogUtil.ICEBERG_CATALOG_TYPE, catalogType);
        props.putIfAbsent(CatalogProperties.FILE_IO_IMPL, SluiceFileIO.class.getName());
        if ("jdbc".equals(catalogType)) {
            // Never DDL on a lake's catalog, whatever the table config says: read-only roles must work.
            props.put(JDBC_SCHEMA_VERSION, "V0");
            props.put(JDBC_INIT_TABLES, "false");
        } else {
            // An empty value sends no header (catalogs that refuse the header, or that must not vend).
            props.putIfAbsent(ACCESS_DELEGATION_HEADER, "vended-credentials");
            if (props.get(ACCESS_DELEGATION_HEADER).isBlank()) {
                props.remove(ACCESS_DELEGATION_HEADER);
            }
        }
        // scan reports would be sent after the short-lived catalog is closed
        props.putIfAbsent("rest-metrics-reporting-enabled", "false");
        return props;
    }

    /**
     * Opens the catalog, loads the table, applies {@code work} to it, and closes the catalog. The
     * catalog's name is the {@code name} property ({@value #DEFAULT_NAME} without one): a JDBC
     * catalog keeps the tables of each catalog name apart.
     */
    public static <T> T withTable(Map<String, String> props, String identifier, java.util.function.Function<Table, T> work) {
        String name = props.getOrDefault(NAME, DEFAULT_NAME);
        Catalog catalog;
        try {
            catalog = CatalogUtil.buildIcebergCatalog(name, props, null);
        } catch (RuntimeException e) {
            throw new CatalogUnreachable("Cannot reach the " + props.get(CatalogUtil.ICEBERG_CATALOG_TYPE)
                    + " catalog" + where(props) + ": " + rootMessage(e), e);
        }
        Table table;
        try {
            table = catalog.loadTable(TableIdentifier.parse(identifier));
        } catch (NoSuchTableException e) {
            closeQuietly(catalog);
            throw e;
        } catch (RuntimeException e) {
            closeQuietly(catalog);
            throw new CatalogUnreachable("Cannot load Iceberg table '" + identifier + "' from the catalog"
                    + where(props) + ": " + rootMessage(e), e);
        }
        try {
            return work.apply(table);
        } finally {
            closeQuietly(catalog);
        }
    }

    /** A FileIO for reading data files, configured like the catalog's. */
    public static FileIO fileIO(Map<String, String> props) {
        return CatalogUtil.loadFileIO(props.get(CatalogProperties.FILE_IO_IMPL), props, null);
    }

    private static String where(Map<String, String> props) {
        String uri = props.get(CatalogProperties.URI);
        return uri == null ? "" : " at " + io.sluice.external.CatalogSecrets.shown(uri);
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String bottom = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e || top.contains(bottom) ? top : top + " (" + bottom + ")";
    }

    private static void closeQuietly(Catalog catalog) {
        if (catalog instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // nothing held that matters
            }
        }
    }

    /** The catalog (or the table's metadata behind it) cannot be reached: 500 CatalogUnreachable with this message. */
    public static final class CatalogUnreachable extends io.sluice.api.SluiceException {
        private static final long serialVersionUID = 1L;

        CatalogUnreachable(String message, Throwable cause) {
            super(500, "CatalogUnreachable", message, null);
            initCause(cause);
        }
    }
}
