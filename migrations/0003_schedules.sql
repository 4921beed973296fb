-- Schedules: runs of the scheduling engine and the versions they produce.
-- Invariants enforced here, not only in code:
--   * a version is written whole or not at all, and a run writes at most one   -> UNIQUE (run_id)
--   * no table used twice in a slot                                           -> UNIQUE (event_id, version, slot_id, table_no)
--   * no participant in two meetings at once                                  -> PRIMARY KEY of schedule_attendance,
--     which statement triggers keep in step with schedule_placements

ALTER TABLE events
  ADD COLUMN schedule_version integer,
  ADD COLUMN published_version integer,
  ADD COLUMN published_at timestamptz;

CREATE TABLE schedule_runs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id        uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  progress        integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  attempts        integer NOT NULL DEFAULT 0,
  time_budget_ms  integer NOT NULL CHECK (time_budget_ms BETWEEN 100 AND 600000),
  seed            integer NOT NULL DEFAULT 1,
  version         integer,
  result          jsonb,
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz
);
CREATE INDEX schedule_runs_event_idx ON schedule_runs (event_id, created_at DESC);
CREATE INDEX schedule_runs_open_idx ON schedule_runs (created_at) WHERE status IN ('queued', 'running');

CREATE TABLE schedule_versions (
  event_id    uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  version     integer NOT NULL CHECK (version >= 1),
  run_id      uuid UNIQUE REFERENCES schedule_runs(id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, version)
);

CREATE TABLE schedule_placements (
  event_id       uuid NOT NULL,
  version        integer NOT NULL,
  meeting_id     uuid NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  slot_id        uuid NOT NULL REFERENCES slots(id),
  table_no       integer NOT NULL CHECK (table_no >= 1),
  pinned         boolean NOT NULL DEFAULT false,
  participant_a  uuid NOT NULL,
  participant_b  uuid NOT NULL,
  PRIMARY KEY (event_id, version, meeting_id),
  UNIQUE (event_id, version, slot_id, table_no),
  FOREIGN KEY (event_id, version) REFERENCES schedule_versions(event_id, version) ON DELETE CASCADE
);

CREATE TABLE schedule_attendance (
  event_id        uuid NOT NULL,
  version         integer NOT NULL,
  slot_id         uuid NOT NULL,
  registration_id uuid NOT NULL,
  meeting_id      uuid NOT NULL,
  PRIMARY KEY (event_id, version, slot_id, registration_id)
);
CREATE INDEX schedule_attendance_person_idx ON schedule_attendance (registration_id, event_id, version);
CREATE INDEX schedule_attendance_meeting_idx ON schedule_attendance (event_id, version, meeting_id);

-- Statement-level triggers with transition tables keep attendance in step with
-- placements in bulk (a run inserts tens of thousands of rows in one statement).
-- They are the only writers of schedule_attendance; a foreign key back to the
-- placements would add a per-row check that, planned while the table is still
-- empty, turned a 10,000-meeting version write from milliseconds into minutes.
CREATE FUNCTION schedule_attendance_add() RETURNS trigger AS $$
BEGIN
  INSERT INTO schedule_attendance (event_id, version, slot_id, registration_id, meeting_id)
  SELECT event_id, version, slot_id, participant_a, meeting_id FROM new_rows
  UNION ALL
  SELECT event_id, version, slot_id, participant_b, meeting_id FROM new_rows;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION schedule_attendance_remove() RETURNS trigger AS $$
BEGIN
  DELETE FROM schedule_attendance a USING old_rows o
  WHERE a.event_id = o.event_id AND a.version = o.version AND a.meeting_id = o.meeting_id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER schedule_placements_attend_insert
  AFTER INSERT ON schedule_placements REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION schedule_attendance_add();
-- A move is a removal then an addition; triggers fire in name order (a_ before b_).
CREATE TRIGGER schedule_placements_attend_update_a_remove
  AFTER UPDATE ON schedule_placements REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION schedule_attendance_remove();
CREATE TRIGGER schedule_placements_attend_update_b_add
  AFTER UPDATE ON schedule_placements REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION schedule_attendance_add();
CREATE TRIGGER schedule_placements_attend_delete
  AFTER DELETE ON schedule_placements REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION schedule_attendance_remove();

-- A cancelled meeting leaves the current version at once, whatever cancelled it
-- (the organiser, or the cancellation of a participant's registration), so its
-- slot and table are free for moves. Older versions keep it for the record;
-- readers skip cancelled meetings.
CREATE FUNCTION meetings_leave_current_schedule() RETURNS trigger AS $$
BEGIN
  DELETE FROM schedule_placements p
  USING events e
  WHERE e.id = NEW.event_id AND p.event_id = e.id AND p.version = e.schedule_version AND p.meeting_id = NEW.id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER meetings_leave_current_schedule
  AFTER UPDATE OF status ON meetings
  FOR EACH ROW WHEN (NEW.status = 'cancelled' AND OLD.status <> 'cancelled')
  EXECUTE FUNCTION meetings_leave_current_schedule();
