-- Live status (io.sluice.live): every committed change of a run's progress is announced on channel
-- "sluice_run" with the run's id, and every new monitor event on channel "sluice_event" with its
-- pipeline's name, so long-polls and Server-Sent Events answer at once instead of polling.
-- Triggers, not application code: no write path (run engine, monitor, another replica) can forget
-- them. PostgreSQL sends identical notifications of one transaction once: one per batch commit.

CREATE FUNCTION sluice.announce_run_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sluice_run', NEW.id::text);
    RETURN NULL;
END
$$;

-- For the tables of a run's parts (partitions, log), which name it in run_id.
CREATE FUNCTION sluice.announce_run_part_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sluice_run', NEW.run_id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER run_changed AFTER INSERT OR UPDATE ON sluice.run
    FOR EACH ROW EXECUTE FUNCTION sluice.announce_run_change();
CREATE TRIGGER run_partition_changed AFTER INSERT OR UPDATE ON sluice.run_partition
    FOR EACH ROW EXECUTE FUNCTION sluice.announce_run_part_change();
CREATE TRIGGER run_logged AFTER INSERT ON sluice.run_log
    FOR EACH ROW EXECUTE FUNCTION sluice.announce_run_part_change();
-- Row errors are committed with their batch, whose counters (sluice.run) announce it.

CREATE FUNCTION sluice.announce_monitor_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sluice_event', p.name) FROM sluice.pipeline p WHERE p.id = NEW.pipeline_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER monitor_event_recorded AFTER INSERT ON sluice.pipeline_monitor_event
    FOR EACH ROW EXECUTE FUNCTION sluice.announce_monitor_event();
