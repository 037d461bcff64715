-- Runs: one execution of a pipeline, with per-partition checkpoints, row errors, a log, and the
-- segments (source files) each pipeline has loaded exactly once.

CREATE TABLE sluice.run (
    id              UUID PRIMARY KEY,
    pipeline_id     UUID NOT NULL REFERENCES sluice.pipeline (id) ON DELETE CASCADE,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'completed_with_errors')),
    trigger         TEXT NOT NULL,          -- manual | retry | schedule | poll | sync
    load_strategy   TEXT NOT NULL,
    partitions      INT NOT NULL,
    total_rows      BIGINT,                 -- null until known
    processed_rows  BIGINT NOT NULL DEFAULT 0,
    failed_rows     BIGINT NOT NULL DEFAULT 0,
    skipped_rows    BIGINT NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL,
    started_at      TIMESTAMPTZ,
    finished_at     TIMESTAMPTZ,
    heartbeat_at    TIMESTAMPTZ,            -- the executing replica's last sign of life
    retry_of        UUID REFERENCES sluice.run (id) ON DELETE SET NULL,
    resume_from_row BIGINT,
    resumable       BOOLEAN NOT NULL DEFAULT false,
    error_message   TEXT,
    source_prefix   TEXT                    -- what a polled run covers (null: the pipeline's source)
);
CREATE INDEX run_by_pipeline ON sluice.run (pipeline_id, created_at DESC);
CREATE INDEX run_active ON sluice.run (status) WHERE status IN ('pending', 'running');

CREATE TABLE sluice.run_partition (
    run_id      UUID NOT NULL REFERENCES sluice.run (id) ON DELETE CASCADE,
    index       INT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    files       TEXT NOT NULL,              -- JSON [{"path","size","etag","lastModified"}]
    total_rows  BIGINT,
    rows        BIGINT NOT NULL DEFAULT 0,  -- rows consumed (loaded + failed + skipped), resume point included
    file_index  INT NOT NULL DEFAULT 0,     -- checkpoint: file being read ...
    file_row    BIGINT NOT NULL DEFAULT 0,  -- ... and the data rows of it committed
    PRIMARY KEY (run_id, index)
);

CREATE TABLE sluice.run_error (
    run_id      UUID NOT NULL REFERENCES sluice.run (id) ON DELETE CASCADE,
    seq         BIGSERIAL,
    file        TEXT,
    row_number  BIGINT NOT NULL,
    column_name TEXT,
    value       TEXT,
    error       TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE sluice.run_log (
    run_id      UUID NOT NULL REFERENCES sluice.run (id) ON DELETE CASCADE,
    seq         BIGSERIAL,
    stage       TEXT NOT NULL,
    message     TEXT NOT NULL,
    logged_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE sluice.segment (
    pipeline_id UUID NOT NULL REFERENCES sluice.pipeline (id) ON DELETE CASCADE,
    source_path TEXT NOT NULL,
    source_etag TEXT NOT NULL,
    source_size BIGINT NOT NULL,
    run_id      UUID REFERENCES sluice.run (id) ON DELETE SET NULL,
    rows        BIGINT NOT NULL,
    loaded_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (pipeline_id, source_path, source_etag)
);

-- At most one active run per pipeline: two runs must never read the same files at once.
CREATE UNIQUE INDEX run_one_active_per_pipeline ON sluice.run (pipeline_id) WHERE status IN ('pending', 'running');
