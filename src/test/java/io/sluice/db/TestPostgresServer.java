package io.sluice.db;

import java.nio.file.Path;

/**
 * A PostgreSQL server of a test's own (the embedded binaries, password logins, 127.0.0.1), for
 * tests that run several Sluice processes against one database, and that restart it on the same
 * data directory and port mid-run.
 */
public final class TestPostgresServer implements AutoCloseable {
    private final Path dir;
    private EmbeddedPostgres server;
    private final int port;
    private final String password;

    private TestPostgresServer(Path dir, EmbeddedPostgres server) {
        this.dir = dir;
        this.server = server;
        this.port = server.port();
        this.password = server.password();
    }

    public static TestPostgresServer start(Path dir) {
        return new TestPostgresServer(dir, EmbeddedPostgres.start(dir, false, 0));
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Stops the server ("fast": open connections are cut, as in a restart), then starts it again on the same port. */
    public void restart() {
        stop();
        start();
    }

    /** Stops the server: an outage until {@link #start()}. */
    public void stop() {
        server.stop();
    }

    /** Starts the stopped server again, on its data directory and port. */
    public void start() {
        server = EmbeddedPostgres.start(dir, false, port);
    }

    @Override
    public void close() {
        server.stop();
    }
}
