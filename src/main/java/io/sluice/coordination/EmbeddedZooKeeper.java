package io.sluice.coordination;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Properties;

import org.apache.zookeeper.server.PurgeTxnLog;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.jboss.logging.Logger;

/**
 * The single-node ZooKeeper Sluice runs for itself when {@code sluice.zookeeper.connect} is unset:
 * data kept under {@code <data-dir>/zookeeper/data} across restarts, listening on a free loopback
 * port only, never exiting the JVM, no admin HTTP server.
 *
 * <p>The data directory is locked while the server runs, so a second Sluice (or a second server in
 * this JVM) on the same directory fails clearly instead of corrupting the data. Old snapshots and
 * transaction logs beyond the last {@value #SNAPSHOTS_KEPT} snapshots are purged at every start.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EmbeddedZooKeeper.class);
    private static final int START_ATTEMPTS = 5;
    /** A healthy start takes well under a second; the server reports a failed bind only by never starting. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final int SNAPSHOTS_KEPT = 3;
    private static final String LOOPBACK = "127.0.0.1";
    /** ZooKeeperServerEmbedded writes its configuration to a new file of this name at every start. */
    private static final String GENERATED_CONFIG_GLOB = "zookeeper.configuration*.properties";

    private final ZooKeeperServerEmbedded server;
    private final Path baseDir;
    private final int port;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private boolean closed;

    private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, Path baseDir, int port, FileChannel lockChannel,
            FileLock lock) {
        this.server = server;
        this.baseDir = baseDir;
        this.port = port;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Starts a server with its data under {@code baseDir} (created if missing) on a free loopback
     * port. Blocks until the server accepts connections.
     *
     * @throws IllegalStateException when the directory is in use or the server cannot start
     */
    public static EmbeddedZooKeeper start(Path baseDir) {
        return start(baseDir, 0);
    }

    /**
     * As {@link #start(Path)}, on {@code fixedPort} (0: a free one), so that a server restarted
     * on the same data keeps its address for the clients that reconnect to it.
     */
    public static EmbeddedZooKeeper start(Path baseDir, int fixedPort) {
        Path base = baseDir.toAbsolutePath().normalize();
        Path data = base.resolve("data");
        FileChannel channel = null;
        FileLock lock = null;
        try {
            Files.createDirectories(data);
            channel = FileChannel.open(base.resolve("sluice.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            lock = tryLock(channel);
            if (lock == null) {
                throw new IllegalStateException("The embedded ZooKeeper data in " + base
                        + " is in use by another process (is another Sluice using this data directory?)");
            }
            purgeOldFiles(data);
            return startWithRetries(base, data, channel, lock, fixedPort);
        } catch (IOException e) {
            release(channel, lock);
            throw new IllegalStateException("Embedded ZooKeeper could not start in " + base, e);
        } catch (RuntimeException e) {
            release(channel, lock);
            throw e;
        }
    }

    /** {@code 127.0.0.1:<port>}. */
    public String connectString() {
        return LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    /** The directory given to {@link #start}, absolute. */
    public Path baseDir() {
        return baseDir;
    }

    /** Stops the server and releases the data directory. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
            LOG.infof("Embedded ZooKeeper stopped (%s)", baseDir);
        } finally {
            release(lockChannel, lock);
        }
    }

    private static EmbeddedZooKeeper startWithRetries(Path base, Path data, FileChannel channel, FileLock lock, int fixedPort) {
        Exception last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = fixedPort > 0 ? fixedPort : freeLoopbackPort();
            ZooKeeperServerEmbedded server = null;
            long started = System.nanoTime();
            try {
                server = ZooKeeperServerEmbedded.builder()
                        .baseDir(base)
                        .configuration(configuration(data, port))
                        .exitHandler(ExitHandler.LOG_ONLY)
                        .build();
                // The configuration has been parsed into memory; the generated file is not needed.
                deleteGeneratedConfigFiles(base);
                server.start(START_TIMEOUT.toMillis());
                LOG.infof("Embedded ZooKeeper started on %s:%d with data in %s (%d ms)", LOOPBACK, port, data,
                        (System.nanoTime() - started) / 1_000_000);
                return new EmbeddedZooKeeper(server, base, port, channel, lock);
            } catch (Exception e) {
                last = e;
                closeQuietly(server);
                deleteGeneratedConfigFiles(base);
                if (isFree(port)) {
                    // The port was not the problem (corrupt data, disk full, ...): retrying will not help.
                    break;
                }
                // Another process took the port between our probe and the server's bind.
                LOG.warnf("Embedded ZooKeeper did not start on port %d (attempt %d of %d): %s", port, attempt,
                        START_ATTEMPTS, e);
            }
        }
        throw new IllegalStateException("Embedded ZooKeeper could not start in " + base
                + " (see the ZooKeeper errors logged above)", last);
    }

    private static void closeQuietly(ZooKeeperServerEmbedded server) {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (RuntimeException e) {
            LOG.debugf("Closing a failed embedded ZooKeeper: %s", e);
        }
    }

    private static Properties configuration(Path data, int port) {
        Properties p = new Properties();
        p.setProperty("dataDir", data.toString());
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("clientPortAddress", LOOPBACK);
        // Sessions may last 2..20 ticks: 4 s to 40 s.
        p.setProperty("tickTime", "2000");
        p.setProperty("admin.enableServer", "false");
        // All clients connect from 127.0.0.1, so the per-address limit (maxClientCnxns, 60) is the
        // real one; stating the same total limit also keeps ZooKeeper from warning that none is set.
        p.setProperty("maxCnxns", "60");
        return p;
    }

    private static void purgeOldFiles(Path data) {
        if (!Files.isDirectory(data.resolve("version-2"))) {
            return;
        }
        try {
            PurgeTxnLog.purge(data.toFile(), data.toFile(), SNAPSHOTS_KEPT);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("Could not purge old embedded ZooKeeper snapshots in %s: %s", data, e);
        }
    }

    private static void deleteGeneratedConfigFiles(Path base) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(base, GENERATED_CONFIG_GLOB)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.debugf("Could not delete generated ZooKeeper configuration in %s: %s", base, e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this JVM
        }
    }

    private static void release(FileChannel channel, FileLock lock) {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.debugf("Could not release the embedded ZooKeeper lock: %s", e);
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free loopback port for the embedded ZooKeeper", e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
