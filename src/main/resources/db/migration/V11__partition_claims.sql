-- Runs and their partitions are claimed, not owned: any replica may coordinate a run or load one
-- of its partitions, under a lease that its heartbeat renews. A lease that expired (its replica
-- died, froze or lost PostgreSQL) is taken over by another replica, which bumps the generation;
-- every batch transaction of a partition and every step of a run's coordination checks the
-- generation it holds, so a stale holder's commit fails instead of adding rows twice.

-- The live replicas of the deployment (their heartbeat), for sharing a run's partitions among them.
CREATE TABLE sluice.replica (
    id           TEXT PRIMARY KEY,          -- host/pid/random: unique per process
    started_at   TIMESTAMPTZ NOT NULL,
    heartbeat_at TIMESTAMPTZ NOT NULL
);

-- owner: the replica coordinating the run (planning, pre-scan, waiting, swap, end); its lease is
-- heartbeat_at. loading_since: planned and counted; its partitions may be claimed from then on.
-- repeats_since: an upsert run's first transaction id (see PartitionLoader), shared by every replica.
ALTER TABLE sluice.run
    ADD COLUMN owner            TEXT,
    ADD COLUMN owner_generation BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN loading_since    TIMESTAMPTZ,
    ADD COLUMN repeats_since    TEXT;

-- claimed_by/claim_generation/claim_expires_at: the partition's lease. error: why the partition failed.
-- (Its existing file_row column now holds, for replace runs
-- (whose files have no ledger checkpoint until the swap), the data rows of the file being read
-- that are committed to the staging table.)
ALTER TABLE sluice.run_partition
    ADD COLUMN claimed_by       TEXT,
    ADD COLUMN claim_generation BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN claim_expires_at TIMESTAMPTZ,
    ADD COLUMN error            TEXT;
CREATE INDEX run_partition_open ON sluice.run_partition (run_id) WHERE status IN ('pending', 'running');
