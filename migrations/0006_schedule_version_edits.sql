-- Manual edits (moves, pins) of a version. A run remembers the count it read and
-- solves again if the organiser edited the current version meanwhile, so that an
-- edit made while a run is solving is not lost in the version the run writes.
ALTER TABLE schedule_versions ADD COLUMN edits integer NOT NULL DEFAULT 0 CHECK (edits >= 0);
