package io.sluice.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * Which snapshot the sync lag is measured from, on a real Iceberg table (in-memory catalog; the
 * appends carry data file entries only, the lag reads snapshots and never data): the histories a
 * lake can have against a checkpoint, including a rollback and an expired checkpoint.
 */
class SyncLagGaugesTest {
    private static final Schema SCHEMA = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));

    @Test
    void theOldestSnapshotAfterTheCheckpointOnTheCurrentHistoryIsTheOneThatWaits() {
        InMemoryCatalog catalog = new InMemoryCatalog();
        catalog.initialize("lag", Map.of());
        catalog.createNamespace(Namespace.of("lake"));
        Table table = catalog.createTable(TableIdentifier.of("lake", "orders"), SCHEMA, PartitionSpec.unpartitioned());

        assertNull(SyncLagGauges.unsyncedSince(table, null), "no snapshot: nothing waits");
        Snapshot a = append(table, "a");
        assertEquals(a.timestampMillis(), SyncLagGauges.unsyncedSince(table, null), "never synced: the whole history waits");
        assertNull(SyncLagGauges.unsyncedSince(table, a.snapshotId()), "the checkpoint is the current snapshot");

        Snapshot b = append(table, "b");
        Snapshot c = append(table, "c");
        assertEquals(b.timestampMillis(), SyncLagGauges.unsyncedSince(table, a.snapshotId()), "the first one after the checkpoint");
        assertEquals(c.timestampMillis(), SyncLagGauges.unsyncedSince(table, b.snapshotId()));

        table.manageSnapshots().rollbackTo(a.snapshotId()).commit();
        assertNull(SyncLagGauges.unsyncedSince(table, c.snapshotId()), "rolled back below the checkpoint: nothing new to sync");
        Snapshot d = append(table, "d");
        assertEquals(d.timestampMillis(), SyncLagGauges.unsyncedSince(table, c.snapshotId()), "committed after the rollback");

        assertEquals(a.timestampMillis(), SyncLagGauges.unsyncedSince(table, 42L), "an expired checkpoint covers nothing known");
    }

    /** Appends one (metadata-only) data file in a later millisecond than the current snapshot. */
    private static Snapshot append(Table table, String file) {
        long after = table.currentSnapshot() == null ? 0 : table.currentSnapshot().timestampMillis();
        while (System.currentTimeMillis() <= after) {
            Thread.onSpinWait();
        }
        table.newAppend().appendFile(DataFiles.builder(PartitionSpec.unpartitioned()).withPath("/lake/orders/" + file + ".parquet")
                .withFormat(FileFormat.PARQUET).withFileSizeInBytes(100).withRecordCount(1).build()).commit();
        return table.currentSnapshot();
    }
}
