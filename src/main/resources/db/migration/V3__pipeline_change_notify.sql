-- Every committed change of a pipeline row is announced on channel "sluice_pipeline" with the
-- pipeline's name (old and new name on a rename), so each replica can drop what it cached of it
-- (io.sluice.pipeline.PipelineStatusCache). A trigger, not application code: no write path can forget it.

CREATE FUNCTION sluice.announce_pipeline_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('sluice_pipeline', OLD.name);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.name IS DISTINCT FROM OLD.name) THEN
        PERFORM pg_notify('sluice_pipeline', NEW.name);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER pipeline_changed AFTER INSERT OR DELETE ON sluice.pipeline
    FOR EACH ROW EXECUTE FUNCTION sluice.announce_pipeline_change();
CREATE TRIGGER pipeline_updated AFTER UPDATE ON sluice.pipeline
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sluice.announce_pipeline_change();
