-- Feldera's ClientMetadata.tags: free-form labels of a pipeline, kept as a JSON array of strings
-- ('[]' for none) so that they round-trip exactly as the client sent them.
ALTER TABLE sluice.pipeline ADD COLUMN tags text NOT NULL DEFAULT '[]';

-- deployment_initial in Feldera's RuntimeDesiredStatus names (Running, Paused), as its clients read it.
UPDATE sluice.pipeline SET deployment_initial = initcap(deployment_initial) WHERE deployment_initial IS NOT NULL;
