package io.sluice.db;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Duration;

import org.jboss.logging.Logger;

/**
 * The PostgreSQL server Sluice runs for itself when no datasource is configured: real PostgreSQL
 * binaries (zonky, from Maven Central), data kept under {@code <data-dir>/postgres} across restarts,
 * listening on 127.0.0.1 only (a free port, or {@code sluice.embedded-postgres.port}), and accepting
 * only password (SCRAM-SHA-256) logins with the password kept in {@code <data-dir>/postgres.password}
 * (see {@link PostgresAuth}).
 *
 * <p>One per JVM: the reactive pool, the migrator and dev-mode restarts all see the same server.
 * The class touches the zonky API only by reflection-free static calls inside {@link #start}, so a
 * slim build without the binaries fails with a clear message instead of a linkage error.
 */
public final class EmbeddedPostgres {
    private static final Logger LOG = Logger.getLogger(EmbeddedPostgres.class);
    private static final int START_ATTEMPTS = 5;
    /**
     * How long a start waits for an earlier application of this JVM to release the data directory: as
     * long as the JVM hook waits for an orderly stop, since a loaded machine can stop that slowly.
     */
    private static final Duration LOCK_WAIT = Duration.ofMinutes(2);
    private static EmbeddedPostgres running;
    /**
     * Set once this class loader's application has stopped its server. A caller still reading the
     * datasource's settings during that shutdown (a pool reconnecting on an event loop) would otherwise
     * start a second server nobody stops, which then holds the data directory against the next
     * application of this JVM (a test profile's restart, which comes with a class loader of its own).
     */
    private static boolean stoppedWithApplication;
    private static FileLock dataDirectoryLock;
    /** Set while the application runs; the JVM hook then waits for the application's own orderly stop. */
    private static final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CountDownLatch> APP_STOPPED =
            new java.util.concurrent.atomic.AtomicReference<>();

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private final Path dataDir;
    private final String password;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server, Path dataDir, String password) {
        this.server = server;
        this.dataDir = dataDir;
        this.password = password;
    }

    /**
     * Starts the server under {@code dataDir} unless this JVM already runs it.
     *
     * @param fixedPort the port to listen on, or 0 for a free one
     */
    public static synchronized EmbeddedPostgres startOnce(Path dataDir, boolean durable, int fixedPort) {
        if (running != null) {
            return running;
        }
        if (stoppedWithApplication) {
            throw new IllegalStateException("The application has stopped its embedded PostgreSQL (" + dataDir
                    + "): not starting it again during shutdown");
        }
        Path root = dataDir.toAbsolutePath().normalize();
        holdDataDirectoryLock(root.resolve("postgres"));
        stopOrphanedServer(root.resolve("postgres"));
        running = start(root, durable, fixedPort);
        Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedPostgres::stopAfterApplication, "embedded-postgres-stop"));
        return running;
    }

    /**
     * Starts a server on {@code <dataDir>/postgres}, with nothing shared with {@link #startOnce}: the
     * caller stops it with {@link #stop}. (Tests start their own servers this way.)
     */
    static EmbeddedPostgres start(Path dataDir, boolean durable, int fixedPort) {
        if (!binariesPresent()) {
            throw new IllegalStateException("No datasource is configured (quarkus.datasource.reactive.url) and this "
                    + "build carries no embedded PostgreSQL binaries; configure a PostgreSQL server");
        }
        Path root = dataDir.toAbsolutePath().normalize();
        DataDirPermissions.restrict(root);
        PostgresAuth auth = PostgresAuth.of(root);
        EmbeddedPostgres started = startWithRetries(root.resolve("postgres"), durable, fixedPort, auth);
        try {
            auth.afterStart(started.port());
        } catch (RuntimeException e) {
            started.stop();
            throw e;
        }
        // zonky unpacks its binaries world-writable; nobody but us may replace what we execute.
        DataDirPermissions.restrict(root.resolve("postgres-bin"));
        return started;
    }

    /** Stops this server (pg_ctl stop, waiting for it). */
    void stop() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.warnf(e, "Embedded PostgreSQL did not stop cleanly (%s)", dataDir);
        }
    }

    /** Marks the application as running: from now on a JVM shutdown lets it finish its own stop first. */
    static void applicationStarted() {
        APP_STOPPED.set(new java.util.concurrent.CountDownLatch(1));
    }

    /** Called by the application's last shutdown step: stops the server and releases the JVM hook. */
    static synchronized void applicationStopped() {
        stoppedWithApplication = true;
        stopRunning();
        var latch = APP_STOPPED.getAndSet(null);
        if (latch != null) {
            latch.countDown();
        }
    }

    /**
     * The JVM shutdown hook runs concurrently with Quarkus' own shutdown; stopping the database at
     * once would break work still finishing during graceful shutdown. So it waits for the
     * application's orderly stop (bounded), and only stops the server itself when the application
     * never started or hung.
     */
    private static void stopAfterApplication() {
        var latch = APP_STOPPED.get();
        if (latch != null) {
            try {
                latch.await(2, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopRunning();
    }

    /** Stops the server started by {@link #startOnce}, if any. Safe to call more than once. */
    public static synchronized void stopRunning() {
        if (running == null) {
            return;
        }
        try {
            running.server.close();
            LOG.infof("Embedded PostgreSQL stopped (%s)", running.dataDir);
        } catch (IOException e) {
            LOG.warnf(e, "Embedded PostgreSQL did not stop cleanly (%s)", running.dataDir);
        } finally {
            running = null;
        }
    }

    public int port() {
        return server.getPort();
    }

    /**
     * With the credentials: Quarkus' reactive pool finds quarkus.datasource.username/password only
     * in sources that list their property names, which this one cannot (see EmbeddedPostgresConfigSource).
     */
    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port() + "/postgres?user=" + PostgresAuth.USER + "&password=" + password;
    }

    public String password() {
        return password;
    }

    public Path dataDir() {
        return dataDir;
    }

    private static EmbeddedPostgres startWithRetries(Path pgData, boolean durable, int fixedPort, PostgresAuth auth) {
        IOException last = null;
        // A fixed port taken by another process will not become free by retrying.
        int attempts = fixedPort > 0 ? 1 : START_ATTEMPTS;
        long lockWaitEnd = System.nanoTime() + LOCK_WAIT.toNanos();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            int port = fixedPort > 0 ? fixedPort : freeLoopbackPort();
            try {
                Files.createDirectories(pgData);
                Path binaries = pgData.getParent().resolve("postgres-bin");
                Files.createDirectories(binaries);
                long started = System.nanoTime();
                // No zonky shutdown hook: it would stop PostgreSQL at once on SIGTERM, while runs still
                // commit their last batch and mark themselves interrupted; ours waits for the application.
                var server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                        .setRegisterShutdownHook(false)
                        .setDataDirectory(pgData)
                        .setCleanDataDirectory(false)
                        .setOverrideWorkingDirectory(binaries.toFile())
                        .setPort(port)
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("password_encryption", "scram-sha-256")
                        // Before every start (after initdb on a new directory): pg_hba.conf as PostgresAuth wants it.
                        .setDataDirectoryCustomizer(dir -> auth.beforeStart(dir.toPath()))
                        // zonky's own readiness check logs in as postgres: with the password.
                        .setConnectConfig("password", auth.password())
                        // zonky's defaults (-F, synchronous_commit=off) trade durability for test speed.
                        .setServerConfig("fsync", durable ? "on" : "off")
                        .setServerConfig("synchronous_commit", durable ? "on" : "off")
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .start();
                LOG.infof("Embedded PostgreSQL started on 127.0.0.1:%d with data in %s (%d ms)", port, pgData,
                        (System.nanoTime() - started) / 1_000_000);
                return new EmbeddedPostgres(server, pgData, auth.password());
            } catch (OverlappingFileLockException e) {
                // zonky locks the data directory per server: an earlier application of this JVM (a test
                // profile's or dev mode's restart) still holds it while its server stops. Wait for that.
                if (System.nanoTime() > lockWaitEnd) {
                    throw new IllegalStateException("Embedded PostgreSQL data directory " + pgData
                            + " is still locked by an earlier start in this JVM after " + LOCK_WAIT.toSeconds() + " s", e);
                }
                LOG.infof("Embedded PostgreSQL data directory %s is still held by an earlier start in this JVM: waiting", pgData);
                attempt--;
                sleepQuietly(Duration.ofMillis(250));
            } catch (IOException e) {
                // Another process may have taken the port between our probe and the server's bind;
                // a second process on the same data directory is refused by PostgreSQL's own lock.
                last = e;
                LOG.warnf("Embedded PostgreSQL did not start on port %d (attempt %d of %d): %s", port, attempt,
                        attempts, e.getMessage());
            }
        }
        throw new IllegalStateException("Embedded PostgreSQL could not start in " + pgData + (fixedPort > 0
                ? " on port " + fixedPort + " (sluice.embedded-postgres.port): is the port taken?"
                : " (is another Sluice using this data directory?)"), last);
    }

    private static void sleepQuietly(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to start the embedded PostgreSQL", e);
        }
    }

    /**
     * Takes, for the JVM's lifetime, an exclusive lock next to the data directory: a second Sluice on
     * the same data directory is refused at once, and a server found running there can only be an
     * orphan of a crashed Sluice.
     */
    private static void holdDataDirectoryLock(Path pgData) {
        try {
            Files.createDirectories(pgData.getParent());
            FileChannel channel = FileChannel.open(pgData.getParent().resolve("postgres.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("Another Sluice process uses the data directory " + pgData.getParent());
            }
            dataDirectoryLock = lock;
        } catch (OverlappingFileLockException e) {
            // Held by this JVM already (a dev-mode restart): nothing to do.
        } catch (IOException e) {
            throw new IllegalStateException("Cannot lock " + pgData.getParent(), e);
        }
    }

    /**
     * When Sluice was killed (kill -9, OOM), its PostgreSQL child outlives it and keeps the data
     * directory. We hold the directory lock, so that server is nobody's: stop it (SIGTERM, PostgreSQL's
     * "smart" shutdown, then SIGINT "fast") before starting our own.
     */
    private static void stopOrphanedServer(Path pgData) {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
            var process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (process.isEmpty()) {
                return;
            }
            LOG.warnf("Stopping an orphaned embedded PostgreSQL (pid %d) left by a Sluice that did not stop cleanly", pid);
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor();
            process.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("Could not stop the server of %s: %s", pidFile, e.getMessage());
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free loopback port for the embedded PostgreSQL", e);
        }
    }

    private static boolean binariesPresent() {
        try {
            Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres", false,
                    EmbeddedPostgres.class.getClassLoader());
            return EmbeddedPostgres.class.getClassLoader().getResource("postgres-linux-x86_64.txz") != null;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
