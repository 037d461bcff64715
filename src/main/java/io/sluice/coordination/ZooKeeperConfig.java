package io.sluice.coordination;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How Sluice reaches ZooKeeper (leader election, watcher status, checkpoints). */
@ConfigMapping(prefix = "sluice.zookeeper")
public interface ZooKeeperConfig {
    /**
     * Connect string of an existing ZooKeeper ensemble, e.g. {@code zk-0:2181,zk-1:2181,zk-2:2181},
     * optionally with a chroot suffix ({@code zk-0:2181,zk-1:2181/sluice}) to share an ensemble
     * (Sluice creates the chroot node if it does not exist).
     * Every replica of one deployment must use the same value. Unset: Sluice runs an embedded
     * single-node ZooKeeper with its data under {@code <sluice.data-dir>/zookeeper}, listening on a
     * free loopback port only (one replica; no scale-out).
     */
    Optional<String> connect();

    /**
     * ZooKeeper session timeout. A replica that stops talking to ZooKeeper for this long loses
     * its session, and with it the leadership and its claims; another replica takes over. The
     * server clamps it to [2, 20] × its tick time (the embedded server: 4 s to 40 s).
     */
    @WithDefault("6s")
    Duration sessionTimeout();

    /**
     * How long to wait for a connection: at start-up (the application starts anyway and
     * reports not ready until ZooKeeper connects) and for each ZooKeeper operation before it
     * fails with a connection error.
     */
    @WithDefault("15s")
    Duration connectionTimeout();
}
