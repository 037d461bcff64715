package io.sluice.load;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;
import org.postgresql.Driver;

/**
 * pgjdbc connections to the service's own database, for COPY on run threads (BLOCKING): the reactive
 * client has no COPY. They reach the database the reactive pool uses, read from the same settings
 * ({@code quarkus.datasource.reactive.url}, {@code quarkus.datasource.username}/{@code password}), also
 * when the embedded PostgreSQL answers the URL.
 *
 * <p>Values are read when a connection is opened, never at injection: asking for the URL is what
 * starts the embedded PostgreSQL, which must not happen during the build.
 */
@ApplicationScoped
public class CopyConnections {
    static final String URL = "quarkus.datasource.reactive.url";
    static final String USERNAME = "quarkus.datasource.username";
    static final String PASSWORD = "quarkus.datasource.password";
    static final String SSL_MODE = "quarkus.datasource.reactive.postgresql.ssl-mode";

    /**
     * Session settings the COPY encoding does not depend on (it writes ISO forms with explicit offsets),
     * fixed anyway so that whatever else runs on the connection reads and prints values one way.
     */
    private static final String SESSION = "SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET TimeZone = 'UTC'";

    private static final Driver DRIVER = new Driver();

    @Inject
    Config config;

    /** A new connection, autocommit off, session settings fixed. The caller closes it. */
    public Connection open() throws SQLException {
        // A list of URLs configures failover for the reactive pool; COPY connects to the first.
        String url = config.getValue(URL, String.class).split(",")[0].strip();
        Target target = target(url, config.getOptionalValue(USERNAME, String.class),
                config.getOptionalValue(PASSWORD, String.class), config.getOptionalValue(SSL_MODE, String.class));
        return open(target);
    }

    static Connection open(Target target) throws SQLException {
        // The driver itself, not DriverManager's service lookup: one thing less for a native image to register.
        Connection c = DRIVER.connect(target.url(), target.properties());
        if (c == null) {
            throw new SQLException("pgjdbc does not accept " + target.url(), "08001");
        }
        try {
            try (Statement s = c.createStatement()) {
                // Set while autocommit is on: a SET inside a transaction that rolls back would be undone.
                s.execute(SESSION);
            }
            c.setAutoCommit(false);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** A jdbc URL and its connection properties (credentials kept out of the URL, so it can be logged). */
    record Target(String url, Properties properties) {
        @Override
        public String toString() {
            return url;
        }
    }

    /**
     * The reactive client's URL ({@code postgresql://[user[:password]@]host[:port][/db][?param=value&...]},
     * also {@code postgres://} and Quarkus' {@code vertx-reactive:} prefix) as a pgjdbc target. The
     * datasource's username and password settings win over those in the URL, as they do for the reactive
     * pool. The reactive client's {@code sslmode} default is {@code disable}, pgjdbc's is {@code prefer}:
     * the reactive default is kept. Other parameters pass through (pgjdbc ignores those it does not know).
     */
    static Target target(String reactiveUrl, Optional<String> username, Optional<String> password, Optional<String> sslMode) {
        String url = reactiveUrl.startsWith("vertx-reactive:") ? reactiveUrl.substring("vertx-reactive:".length()) : reactiveUrl;
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a PostgreSQL URL: " + URL + " (" + e.getMessage() + ")", e);
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException(URL + " must start with postgresql:// (or vertx-reactive:postgresql://)");
        }
        Properties properties = new Properties();
        String host = uri.getHost();
        int port = uri.getPort();
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? null : decode(uri.getRawPath().substring(1));
        if (uri.getRawUserInfo() != null) {
            String[] userInfo = uri.getRawUserInfo().split(":", 2);
            properties.setProperty("user", decode(userInfo[0]));
            if (userInfo.length == 2) {
                properties.setProperty("password", decode(userInfo[1]));
            }
        }
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                String[] kv = pair.split("=", 2);
                String key = decode(kv[0]);
                String value = kv.length == 2 ? decode(kv[1]) : "";
                switch (key) {
                    case "host" -> host = value;
                    case "port" -> port = Integer.parseInt(value);
                    case "dbname" -> database = value;
                    case "application_name" -> properties.setProperty("ApplicationName", value);
                    case "search_path" -> properties.setProperty("currentSchema", value);
                    default -> properties.setProperty(key, value);
                }
            }
        }
        username.ifPresent(u -> properties.setProperty("user", u));
        password.ifPresent(p -> properties.setProperty("password", p));
        sslMode.ifPresent(m -> properties.setProperty("sslmode", m));
        properties.putIfAbsent("sslmode", "disable");
        properties.putIfAbsent("ApplicationName", "sluice-copy");
        if (host == null || host.isEmpty()) {
            host = "localhost";
        }
        String jdbc = "jdbc:postgresql://" + host + (port > 0 ? ":" + port : "") + "/" + (database == null ? "" : encodePath(database));
        return new Target(jdbc, properties);
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** pgjdbc percent-decodes the database name. */
    private static String encodePath(String database) {
        return java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
