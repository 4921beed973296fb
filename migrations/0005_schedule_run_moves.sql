-- A schedule run may limit how many meetings of the current schedule it moves to
-- reduce breaks (NULL: the engine's default, as many as the change removed).
ALTER TABLE schedule_runs ADD COLUMN max_moves integer CHECK (max_moves >= 0);

-- How many placements have left a version since it was made (cancelled meetings,
-- see 0003): a later run may move as many meetings to close the gaps they left.
ALTER TABLE schedule_versions ADD COLUMN removed integer NOT NULL DEFAULT 0 CHECK (removed >= 0);

CREATE OR REPLACE FUNCTION meetings_leave_current_schedule() RETURNS trigger AS $$
DECLARE
  gone integer;
BEGIN
  DELETE FROM schedule_placements p
  USING events e
  WHERE e.id = NEW.event_id AND p.event_id = e.id AND p.version = e.schedule_version AND p.meeting_id = NEW.id;
  GET DIAGNOSTICS gone = ROW_COUNT;
  IF gone > 0 THEN
    UPDATE schedule_versions v SET removed = v.removed + gone
    FROM events e
    WHERE e.id = NEW.event_id AND v.event_id = e.id AND v.version = e.schedule_version;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
