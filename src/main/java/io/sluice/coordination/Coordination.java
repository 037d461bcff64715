package io.sluice.coordination;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.utils.CloseableUtils;
import org.jboss.logging.Logger;

import io.quarkus.runtime.BlockingOperationControl;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sluice.SluiceConfig;

/**
 * The process's one ZooKeeper client (Curator), connected to {@code sluice.zookeeper.connect} or,
 * when that is unset, to an {@link EmbeddedZooKeeper} under {@code <sluice.data-dir>/zookeeper}.
 *
 * <p>Started at application start-up (blocking there is fine), closed at shutdown after every
 * default-priority {@link ShutdownEvent} observer ran, so features may still use it in theirs; the
 * embedded server stops right after the client. Dev-mode restarts go through the same path.
 *
 * <p>{@link #client()} never blocks once started. Curator operations on it are blocking: call them
 * on a worker thread, or use {@link ZkStore}.
 */
@ApplicationScoped
public class Coordination {
    private static final Logger LOG = Logger.getLogger(Coordination.class);
    /** Start after the schema migration (priority 1), before features that need ZooKeeper. */
    static final int START_PRIORITY = 10;
    /** Stop after the default-priority shutdown observers of other features. */
    static final int STOP_PRIORITY = Interceptor.Priority.APPLICATION + 1000;

    @Inject
    ZooKeeperConfig config;
    @Inject
    SluiceConfig sluice;

    private volatile CuratorFramework client;
    private volatile String connectString;
    private EmbeddedZooKeeper embedded;
    private boolean stopped;

    void onStart(@Observes @Priority(START_PRIORITY) StartupEvent event) {
        client();
    }

    void onStop(@Observes @Priority(STOP_PRIORITY) ShutdownEvent event) {
        stop();
    }

    /**
     * The started Curator client. It reconnects by itself after connection problems; check
     * {@link #isConnected()} for the current state.
     *
     * @throws IllegalStateException after shutdown, or when called on an event loop before start-up
     */
    public CuratorFramework client() {
        CuratorFramework current = client;
        return current != null ? current : start();
    }

    /** The connect string in use: the configured ensemble or the embedded server's address. */
    public Optional<String> connectString() {
        return Optional.ofNullable(connectString);
    }

    /** Whether the client runs against the embedded server. */
    public boolean embedded() {
        return config.connect().isEmpty();
    }

    /** Whether the client currently has a ZooKeeper connection. Never blocks. */
    public boolean isConnected() {
        CuratorFramework current = client;
        return current != null && current.getZookeeperClient().isConnected();
    }

    private synchronized CuratorFramework start() {
        if (client != null) {
            return client;
        }
        if (stopped) {
            throw new IllegalStateException("Coordination is shut down");
        }
        if (!BlockingOperationControl.isBlockingAllowed()) {
            throw new IllegalStateException("The ZooKeeper client is not started yet and cannot start on an event loop");
        }
        String connect;
        ConnectString target;
        if (config.connect().isPresent()) {
            connect = config.connect().get().strip();
            target = ConnectString.parse(connect);
        } else {
            embedded = EmbeddedZooKeeper.start(sluice.dataDir().resolve("zookeeper"));
            connect = embedded.connectString();
            target = new ConnectString(connect, Optional.empty());
        }
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(target.servers())
                .sessionTimeoutMs(millis(config.sessionTimeout().toMillis()))
                .connectionTimeoutMs(millis(config.connectionTimeout().toMillis()))
                .retryPolicy(new ExponentialBackoffRetry(250, 5, 2_000));
        target.namespace().ifPresent(builder::namespace);
        CuratorFramework curator = builder.build();
        curator.getConnectionStateListenable().addListener(Coordination::logStateChange);
        curator.start();
        connectString = connect;
        client = curator;
        String where = embedded != null
                ? "embedded server at " + connect + " (data in " + embedded.baseDir() + ")"
                : "external ensemble " + connect;
        try {
            if (curator.blockUntilConnected(millis(config.connectionTimeout().toMillis()), TimeUnit.MILLISECONDS)) {
                LOG.infof("ZooKeeper connected: %s, session timeout %d ms", where,
                        config.sessionTimeout().toMillis());
            } else {
                LOG.warnf("ZooKeeper not reachable within %d ms: %s; Sluice keeps trying and reports not ready "
                        + "until it connects", config.connectionTimeout().toMillis(), where);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warnf("Interrupted while connecting to ZooKeeper: %s", where);
        }
        return curator;
    }

    /** Closes the client, then stops the embedded server. Safe to call more than once. */
    @PreDestroy
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        CuratorFramework current = client;
        client = null;
        if (current != null) {
            CloseableUtils.closeQuietly(current);
            LOG.infof("ZooKeeper client closed (%s)", connectString);
        }
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
    }

    private static void logStateChange(CuratorFramework curator, ConnectionState state) {
        String where = curator.getZookeeperClient().getCurrentConnectionString();
        switch (state) {
            case SUSPENDED -> LOG.warnf("ZooKeeper connection to %s suspended", where);
            case LOST -> LOG.warnf("ZooKeeper session lost (%s); reconnecting", where);
            case RECONNECTED -> LOG.infof("ZooKeeper reconnected to %s", where);
            case READ_ONLY -> LOG.warnf("ZooKeeper connection to %s is read-only", where);
            default -> {
                // CONNECTED is reported once by start().
            }
        }
    }

    private static int millis(long value) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, value));
    }
}
