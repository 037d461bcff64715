-- When the pipeline's storage was last cleared: a retry of a run from before it must not resume
-- from that run's checkpoints (the rows before them were dropped), so it starts over.
ALTER TABLE sluice.pipeline ADD COLUMN storage_cleared_at TIMESTAMPTZ;
