-- Meetings domain: who may meet whom, meeting requests between participants, meetings.
-- Invariants enforced here, not only in code:
--   * one open (pending or accepted) request per unordered pair and event -> partial unique index
--   * one active meeting per unordered pair and event                     -> partial unique index
--   * nobody requests or meets themselves                                 -> CHECK

-- Pairs of participant types that may not meet, unordered: [["startup","startup"], ...].
ALTER TABLE events
  ADD COLUMN forbidden_type_pairs jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(forbidden_type_pairs) = 'array'),
  ADD COLUMN max_requests_per_participant integer CHECK (max_requests_per_participant IS NULL OR max_requests_per_participant >= 1),
  ADD COLUMN request_expiry_hours integer CHECK (request_expiry_hours IS NULL OR request_expiry_hours >= 1);

ALTER TABLE registrations
  ADD COLUMN max_meetings integer CHECK (max_meetings IS NULL OR max_meetings >= 0);

-- An unanswered request past the event's request_expiry_hours stays 'pending' here and is
-- shown as expired; it is written as 'expired' when it would otherwise block a new request.
CREATE TABLE meeting_requests (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id      uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  requester_id  uuid NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
  recipient_id  uuid NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
  message       text NOT NULL DEFAULT '' CHECK (length(message) <= 2000),
  -- 1 = normal, 3 = highest
  priority      smallint NOT NULL DEFAULT 1 CHECK (priority BETWEEN 1 AND 3),
  status        text NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn', 'expired', 'cancelled')),
  created_at    timestamptz NOT NULL,
  answered_at   timestamptz,
  CHECK (requester_id <> recipient_id)
);
CREATE UNIQUE INDEX meeting_requests_one_open_per_pair
  ON meeting_requests (event_id, least(requester_id, recipient_id), greatest(requester_id, recipient_id))
  WHERE status IN ('pending', 'accepted');
CREATE INDEX meeting_requests_requester_idx ON meeting_requests (requester_id, status);
CREATE INDEX meeting_requests_recipient_idx ON meeting_requests (recipient_id, status);

-- A meeting to be scheduled. Scheduling adds its slot, table and version columns later;
-- a cancelled meeting is kept (not deleted) so a published schedule can show what changed.
CREATE TABLE meetings (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id       uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  participant_a  uuid NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
  participant_b  uuid NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
  request_id     uuid UNIQUE REFERENCES meeting_requests(id) ON DELETE SET NULL,
  priority       smallint NOT NULL DEFAULT 1 CHECK (priority BETWEEN 1 AND 3),
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
  source         text NOT NULL CHECK (source IN ('request', 'organiser')),
  created_at     timestamptz NOT NULL,
  cancelled_at   timestamptz,
  CHECK (participant_a <> participant_b),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE UNIQUE INDEX meetings_one_active_per_pair
  ON meetings (event_id, least(participant_a, participant_b), greatest(participant_a, participant_b))
  WHERE status = 'active';
CREATE INDEX meetings_participant_a_idx ON meetings (participant_a) WHERE status = 'active';
CREATE INDEX meetings_participant_b_idx ON meetings (participant_b) WHERE status = 'active';
CREATE INDEX meetings_event_idx ON meetings (event_id, created_at);
