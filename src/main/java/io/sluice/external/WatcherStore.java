package io.sluice.external;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.coordination.ZkStore;
import io.sluice.pipeline.PipelineJson;

/** Watcher status and checkpoint of external tables, as JSON nodes in ZooKeeper (shared by every replica). */
@ApplicationScoped
public class WatcherStore {
    @Inject
    ZkStore zk;
    @Inject
    PipelineJson json;

    public Uni<WatcherStatus> status(String table) {
        return zk.read(ZkStore.watcherStatusPath(table)).map(data -> data
                .map(bytes -> json.read(new String(bytes, StandardCharsets.UTF_8), WatcherStatus.class))
                .orElse(WatcherStatus.idle(table)));
    }

    /** An item at each change of the table's watcher status, whichever replica wrote it (a ZooKeeper watch). */
    public Multi<String> changes(String table) {
        return zk.changes(ZkStore.watcherStatusPath(table));
    }

    public Uni<Void> write(WatcherStatus status) {
        return zk.write(ZkStore.watcherStatusPath(status.tableNameWithType()), json.write(status).getBytes(StandardCharsets.UTF_8));
    }

    public Uni<Checkpoint> checkpoint(String table) {
        return zk.read(ZkStore.checkpointPath(table)).map(data -> data
                .map(bytes -> json.read(new String(bytes, StandardCharsets.UTF_8), Checkpoint.class))
                .orElse(Checkpoint.none(table)));
    }

    public Uni<Void> write(Checkpoint checkpoint) {
        return zk.write(ZkStore.checkpointPath(checkpoint.tableNameWithType()), json.write(checkpoint).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Claims the table's sync for this replica (an ephemeral node holding {@code claim}): false when
     * another replica's sync holds it. Only the holder writes the watcher status and checkpoint.
     */
    public Uni<Boolean> claimSync(String table, String claim) {
        return zk.claim(ZkStore.syncClaimPath(table), claim.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether some replica holds the table's sync claim (a sync of it is going). */
    public Uni<Boolean> syncClaimed(String table) {
        return zk.exists(ZkStore.syncClaimPath(table));
    }

    public Uni<Void> releaseSync(String table, String claim) {
        return zk.release(ZkStore.syncClaimPath(table), claim.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Marks the table's status FAILED with {@code why} if it says RUNNING while no replica holds the
     * table's sync claim (the syncing replica died: nobody else would ever end it). Not when the
     * status changed in the meantime (versioned write). True when it was marked.
     */
    public Uni<Boolean> failIfAbandoned(String table, long nowMs, String why) {
        String path = ZkStore.watcherStatusPath(table);
        return zk.readVersioned(path).chain(read -> {
            if (read.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            WatcherStatus status = json.read(new String(read.get().data(), StandardCharsets.UTF_8), WatcherStatus.class);
            if (status.status() != WatcherState.RUNNING) {
                return Uni.createFrom().item(false);
            }
            return syncClaimed(table).chain(claimed -> claimed ? Uni.createFrom().item(false)
                    : zk.replace(path, json.write(status.failed(nowMs, status.segmentsGenerated(), why))
                            .getBytes(StandardCharsets.UTF_8), read.get().version()));
        });
    }

    /** A new table starts IDLE without a checkpoint; a deleted one leaves nothing behind. */
    public Uni<Void> reset(String table) {
        return forget(table).chain(() -> write(WatcherStatus.idle(table)));
    }

    public Uni<Void> forget(String table) {
        return zk.delete(ZkStore.checkpointPath(table)).chain(() -> zk.delete(ZkStore.watcherStatusPath(table)));
    }
}
