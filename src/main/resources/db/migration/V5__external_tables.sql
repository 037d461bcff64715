-- External tables (seed A): an Iceberg table or a raw S3 prefix mirrored into a pipeline's target
-- table by sync runs. Watcher status and checkpoints live in ZooKeeper, not here.

CREATE TABLE sluice.external_table (
    table_name_with_type TEXT PRIMARY KEY,           -- e.g. orders_OFFLINE (also the pipeline's name)
    table_name           TEXT NOT NULL UNIQUE,        -- e.g. orders (also the target table's name)
    table_type           TEXT NOT NULL CHECK (table_type IN ('OFFLINE')),
    pipeline_id          UUID NOT NULL UNIQUE REFERENCES sluice.pipeline (id) ON DELETE CASCADE,
    kind                 TEXT NOT NULL CHECK (kind IN ('iceberg', 's3')),
    task_config          TEXT NOT NULL,               -- JSON: the ExternalTableSyncTask entry as posted
    schema_config        TEXT,                        -- JSON: the posted schema, null when derived
    schedule             TEXT,                        -- Quartz cron of the sync task, null: on demand only
    created_at           TIMESTAMPTZ NOT NULL
);
