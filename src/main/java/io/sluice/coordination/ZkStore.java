package io.sluice.coordination;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.utils.PathUtils;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Small asynchronous store of ZooKeeper nodes (typically JSON documents): watcher status and
 * checkpoints of external tables, and similar small state shared by all replicas.
 *
 * <p>Every operation runs its Curator call on the worker pool, never on the calling thread, and
 * delivers its result back on the caller's Vert.x context when there is one (so a Hibernate
 * Reactive session or transaction can continue after it). Nothing happens until the returned
 * {@link Uni} is subscribed. Paths are absolute ZooKeeper paths ({@code /a/b}); an invalid path
 * fails the {@code Uni} with {@link IllegalArgumentException}. ZooKeeper limits a node to about
 * 1 MB.
 */
@ApplicationScoped
public class ZkStore {
    /** Parent of the watcher status nodes of external tables. */
    public static final String WATCHER_STATUS_ROOT = "/EXTERNAL_TABLE_WATCHER_STATUS";
    /** Parent of the checkpoint nodes of external tables. */
    public static final String CHECKPOINT_ROOT = "/EXTERNAL_TABLE_CHECKPOINT";
    /** Parent of the ephemeral nodes by which a replica claims an external table's sync. */
    public static final String SYNC_CLAIM_ROOT = "/SLUICE_EXTERNAL_TABLE_SYNC";

    @Inject
    Coordination coordination;

    /** {@code /EXTERNAL_TABLE_WATCHER_STATUS/{tableNameWithType}}: the last sync run's status. */
    public static String watcherStatusPath(String tableNameWithType) {
        return WATCHER_STATUS_ROOT + "/" + segment(tableNameWithType);
    }

    /** {@code /EXTERNAL_TABLE_CHECKPOINT/{tableNameWithType}}: the table's checkpoint. */
    public static String checkpointPath(String tableNameWithType) {
        return CHECKPOINT_ROOT + "/" + segment(tableNameWithType);
    }

    /** {@code /SLUICE_EXTERNAL_TABLE_SYNC/{tableNameWithType}}: held by the replica syncing the table. */
    public static String syncClaimPath(String tableNameWithType) {
        return SYNC_CLAIM_ROOT + "/" + segment(tableNameWithType);
    }

    /**
     * Creates an ephemeral node holding {@code data}: true when this call created it, false when it
     * exists already. The node lives as long as this replica's ZooKeeper session (a replica that
     * dies frees what it claimed) or until {@link #release}.
     */
    public Uni<Boolean> claim(String path, byte[] data) {
        return blocking(path, () -> {
            try {
                coordination.client().create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                        .forPath(path, data);
                return true;
            } catch (KeeperException.NodeExistsException e) {
                return false;
            }
        });
    }

    /** Deletes a node made by {@link #claim} if it still holds {@code data} (it is still this claim). */
    public Uni<Void> release(String path, byte[] data) {
        return blocking(path, () -> {
            Stat stat = new Stat();
            try {
                byte[] held = coordination.client().getData().storingStatIn(stat).forPath(path);
                if (java.util.Arrays.equals(held, data)) {
                    coordination.client().delete().withVersion(stat.getVersion()).forPath(path);
                }
            } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
                // gone already (session expired), or claimed anew by someone else: not ours to delete
            }
            return null;
        });
    }

    /** A node's data and the version it was read at. */
    public record Versioned(byte[] data, int version) {
    }

    /** The node's data with its version, or empty when the node does not exist. */
    public Uni<Optional<Versioned>> readVersioned(String path) {
        return blocking(path, () -> {
            Stat stat = new Stat();
            try {
                byte[] data = coordination.client().getData().storingStatIn(stat).forPath(path);
                return Optional.of(new Versioned(data, stat.getVersion()));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    /** Replaces the node's data only if it is still at {@code version}: false when it changed or is gone. */
    public Uni<Boolean> replace(String path, byte[] data, int version) {
        return blocking(path, () -> {
            try {
                coordination.client().setData().withVersion(version).forPath(path, data);
                return true;
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
                return false;
            }
        });
    }

    public Uni<Boolean> exists(String path) {
        return blocking(path, () -> coordination.client().checkExists().forPath(path) != null);
    }

    /** The node's data, or empty when the node does not exist. */
    public Uni<Optional<byte[]>> read(String path) {
        return blocking(path, () -> {
            try {
                return Optional.ofNullable(coordination.client().getData().forPath(path));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    /** Creates the node with its missing parents, or replaces its data. */
    public Uni<Void> write(String path, byte[] data) {
        if (data == null) {
            return Uni.createFrom().failure(new IllegalArgumentException("No data to write to " + path));
        }
        return blocking(path, () -> {
            coordination.client().create().orSetData().creatingParentsIfNeeded().forPath(path, data);
            return null;
        });
    }

    /** Deletes the node and every node below it. A missing node is fine. */
    public Uni<Void> delete(String path) {
        return blocking(path, () -> {
            coordination.client().delete().quietly().deletingChildrenIfNeeded().forPath(path);
            return null;
        });
    }

    /** Names of the node's children, sorted; empty when the node does not exist. */
    public Uni<List<String>> children(String path) {
        return blocking(path, () -> {
            try {
                return coordination.client().getChildren().forPath(path).stream().sorted().toList();
            } catch (KeeperException.NoNodeException e) {
                return List.of();
            }
        });
    }

    /**
     * An item each time the node is created, changed or deleted, from subscription on (a ZooKeeper
     * watch, set again after each event); the watch is removed when the subscriber cancels. An item
     * comes once the watch is set again, and whenever setting it finds the node other than it was
     * last seen: a change made between an event and the new watch (a deletion right after a change)
     * is announced, not lost. Changes that close together may come as one item.
     */
    public Multi<String> changes(String path) {
        PathUtils.validatePath(path);
        return Multi.createFrom().emitter(emitter -> {
            AtomicBoolean open = new AtomicBoolean(true);
            // the node's last-modified zxid as last seen (-1: absent; null: not yet looked at)
            AtomicReference<Long> seen = new AtomicReference<>();
            CuratorWatcher watcher = new CuratorWatcher() {
                @Override
                public void process(WatchedEvent event) throws Exception {
                    if (open.get() && event.getType() != Watcher.Event.EventType.None) {
                        arm(path, this, seen, open, () -> emitter.emit(path));
                    }
                }
            };
            emitter.onTermination(() -> {
                open.set(false);
                try {
                    coordination.client().watchers().remove(watcher).locally().quietly().inBackground().forPath(path);
                } catch (Exception e) {
                    // Gone with the session anyway.
                }
            });
            try {
                arm(path, watcher, seen, open, () -> emitter.emit(path));
            } catch (Exception e) {
                emitter.fail(new ZkStoreException(path, e));
            }
        });
    }

    /** Sets the watch; once set, announces the node's state if it differs from the one seen before (not on the first look). */
    private void arm(String path, CuratorWatcher watcher, AtomicReference<Long> seen, AtomicBoolean open, Runnable announce)
            throws Exception {
        coordination.client().checkExists().usingWatcher(watcher).inBackground((client, event) -> {
            int rc = event.getResultCode();
            if (rc != KeeperException.Code.OK.intValue() && rc != KeeperException.Code.NONODE.intValue()) {
                return; // the session's trouble: Curator's connection handling sets watches again
            }
            long now = event.getStat() == null ? -1 : event.getStat().getMzxid();
            Long before = seen.getAndSet(now);
            if (before != null && before != now && open.get()) {
                announce.run();
            }
        }).forPath(path);
    }

    private static <T> Uni<T> blocking(String path, Callable<T> work) {
        return Uni.createFrom().deferred(() -> {
            PathUtils.validatePath(path);
            return io.sluice.api.BlockingCalls.offload(Uni.createFrom().item(() -> {
                try {
                    return work.call();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new ZkStoreException(path, e);
                }
            }));
        });
    }

    private static String segment(String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("Not a valid ZooKeeper node name: " + name);
        }
        PathUtils.validatePath("/" + name);
        return name;
    }

    /** A ZooKeeper operation of the store failed (connection loss, authorisation, ...). */
    public static final class ZkStoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ZkStoreException(String path, Exception cause) {
            super("ZooKeeper operation on " + path + " failed: " + cause, cause);
        }
    }
}
