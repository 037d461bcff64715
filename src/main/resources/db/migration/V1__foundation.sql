-- Sluice's own state lives in schema "sluice"; loaded data lives in the target schema
-- (sluice.load.target-schema, "sluice_data" by default).

CREATE TABLE sluice.api_key (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    key_prefix  TEXT NOT NULL UNIQUE,          -- public part of the key, used to find it
    key_hash    TEXT NOT NULL,                 -- SHA-256 of the whole key, hex
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE sluice.connector (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL CHECK (type IN ('local', 's3')),
    config      TEXT NOT NULL,                 -- JSON; secrets only as environment references
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE sluice.pipeline (
    id                          UUID PRIMARY KEY,
    name                        TEXT NOT NULL UNIQUE,
    description                 TEXT NOT NULL,
    created_at                  TIMESTAMPTZ NOT NULL,
    version                     BIGINT NOT NULL,
    refresh_version             BIGINT NOT NULL,
    platform_version            TEXT NOT NULL,
    runtime_config              TEXT NOT NULL,  -- JSON
    program_config              TEXT NOT NULL,  -- JSON
    program_code                TEXT NOT NULL,
    udf_rust                    TEXT NOT NULL,
    udf_toml                    TEXT NOT NULL,
    program_version             BIGINT NOT NULL,
    program_status              TEXT NOT NULL,
    program_status_since        TIMESTAMPTZ NOT NULL,
    program_error               TEXT NOT NULL,  -- JSON
    program_info                TEXT,           -- JSON
    source                      TEXT,           -- JSON
    connector_name              TEXT REFERENCES sluice.connector (name) ON UPDATE CASCADE,
    load_strategy               TEXT NOT NULL,
    partitions                  INT NOT NULL,
    schedule                    TEXT,
    max_failed_rows             BIGINT,
    validation                  TEXT,           -- JSON
    polling                     TEXT,           -- JSON
    storage_status              TEXT NOT NULL,
    storage_status_details      TEXT,           -- JSON
    deployment_id               UUID,
    deployment_initial          TEXT,
    deployment_error            TEXT,           -- JSON
    deployment_status_since     TIMESTAMPTZ NOT NULL,
    deployment_desired_status_since TIMESTAMPTZ NOT NULL,
    deployment_resources_status TEXT NOT NULL,
    deployment_resources_status_since TIMESTAMPTZ NOT NULL,
    deployment_resources_status_details TEXT,   -- JSON
    deployment_resources_desired_status TEXT NOT NULL,
    deployment_resources_desired_status_since TIMESTAMPTZ NOT NULL,
    deployment_runtime_status   TEXT,
    deployment_runtime_status_since TIMESTAMPTZ,
    deployment_runtime_status_details TEXT,     -- JSON
    deployment_runtime_desired_status TEXT,
    deployment_runtime_desired_status_since TIMESTAMPTZ,
    provisioning_deadline       TIMESTAMPTZ
);

CREATE TABLE sluice.pipeline_monitor_event (
    id                          UUID PRIMARY KEY,
    pipeline_id                 UUID NOT NULL REFERENCES sluice.pipeline (id) ON DELETE CASCADE,
    recorded_at                 TIMESTAMPTZ NOT NULL,
    deployment_resources_status TEXT NOT NULL,
    deployment_resources_status_details TEXT,
    deployment_resources_desired_status TEXT NOT NULL,
    deployment_runtime_status   TEXT,
    deployment_runtime_status_details TEXT,
    deployment_runtime_desired_status TEXT,
    deployment_error            TEXT,
    program_status              TEXT NOT NULL,
    storage_status              TEXT NOT NULL,
    storage_status_details      TEXT
);
CREATE INDEX pipeline_monitor_event_by_time ON sluice.pipeline_monitor_event (pipeline_id, recorded_at DESC);
