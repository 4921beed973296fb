-- Foundation: organisers, events with sessions and derived slots, registrations.
-- Invariants that matter are enforced here, not only in code:
--   * one active registration per email (case-insensitive) and event  -> partial unique index
--   * no seat sold twice                                              -> confirmed_count kept by trigger + CHECK
--   * secrets are stored hashed                                       -> unique *_hash columns

CREATE TABLE organisers (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  api_key_hash  text NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE events (
  id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organiser_id              uuid NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
  slug                      text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{1,62})[a-z0-9]$'),
  title                     text NOT NULL,
  description               text NOT NULL DEFAULT '',
  venue                     text NOT NULL DEFAULT '',
  timezone                  text NOT NULL,
  starts_at                 timestamptz NOT NULL,
  ends_at                   timestamptz NOT NULL,
  registration_opens_at     timestamptz NOT NULL,
  registration_closes_at    timestamptz NOT NULL,
  meeting_requests_close_at timestamptz NOT NULL,
  cancellation_closes_at    timestamptz NOT NULL,
  capacity                  integer CHECK (capacity IS NULL OR capacity >= 0),
  waitlist                  boolean NOT NULL DEFAULT false,
  participant_types         text[] NOT NULL CHECK (cardinality(participant_types) > 0),
  meeting_minutes           integer NOT NULL CHECK (meeting_minutes > 0),
  changeover_minutes        integer NOT NULL DEFAULT 0 CHECK (changeover_minutes >= 0),
  tables                    integer NOT NULL CHECK (tables > 0),
  confirmed_count           integer NOT NULL DEFAULT 0,
  waitlisted_count          integer NOT NULL DEFAULT 0 CHECK (waitlisted_count >= 0),
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  CHECK (starts_at < ends_at),
  CHECK (registration_opens_at < registration_closes_at),
  CONSTRAINT events_capacity_respected CHECK (capacity IS NULL OR confirmed_count <= capacity)
);
CREATE INDEX events_organiser_idx ON events (organiser_id, starts_at);

CREATE TABLE event_sessions (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id   uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  starts_at  timestamptz NOT NULL,
  ends_at    timestamptz NOT NULL,
  CHECK (starts_at < ends_at)
);
CREATE INDEX event_sessions_event_idx ON event_sessions (event_id, starts_at);

-- Derived from sessions, meeting length and changeover; ids are stable while a slot's times are unchanged.
CREATE TABLE slots (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id    uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  session_id  uuid NOT NULL REFERENCES event_sessions(id) ON DELETE CASCADE,
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  CHECK (starts_at < ends_at),
  UNIQUE (event_id, starts_at)
);

CREATE SEQUENCE waitlist_seq;

CREATE TABLE registrations (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id          uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  email             text NOT NULL,
  name              text NOT NULL,
  organisation      text NOT NULL,
  participant_type  text NOT NULL,
  country           char(2) NOT NULL,
  profile           text NOT NULL DEFAULT '',
  topics            text[] NOT NULL DEFAULT '{}',
  status            text NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
  -- FIFO order of the waiting list; set while waitlisted
  waitlist_seq      bigint,
  token_hash        text NOT NULL UNIQUE,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  confirmed_at      timestamptz,
  cancelled_at      timestamptz,
  CHECK ((status = 'waitlisted') = (waitlist_seq IS NOT NULL))
);
CREATE UNIQUE INDEX registrations_one_active_per_email
  ON registrations (event_id, lower(email)) WHERE status <> 'cancelled';
CREATE INDEX registrations_event_status_idx ON registrations (event_id, status, created_at);
CREATE INDEX registrations_waitlist_idx ON registrations (event_id, waitlist_seq) WHERE status = 'waitlisted';

CREATE TABLE registration_unavailable_slots (
  registration_id uuid NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
  slot_id         uuid NOT NULL REFERENCES slots(id) ON DELETE CASCADE,
  PRIMARY KEY (registration_id, slot_id)
);

-- The confirmed and waitlisted head counts live on the event row: the CHECK above
-- makes overselling impossible whatever code path changes a registration, and
-- a registration that holds the event row lock reads exact counts from it.
CREATE FUNCTION registrations_count_seats() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('confirmed', 'waitlisted') THEN
    UPDATE events SET confirmed_count = confirmed_count - (OLD.status = 'confirmed')::int,
                      waitlisted_count = waitlisted_count - (OLD.status = 'waitlisted')::int
    WHERE id = OLD.event_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN ('confirmed', 'waitlisted') THEN
    UPDATE events SET confirmed_count = confirmed_count + (NEW.status = 'confirmed')::int,
                      waitlisted_count = waitlisted_count + (NEW.status = 'waitlisted')::int
    WHERE id = NEW.event_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER registrations_count_seats
  AFTER INSERT OR DELETE OR UPDATE OF status ON registrations
  FOR EACH ROW EXECUTE FUNCTION registrations_count_seats();

-- A retried POST with the same Idempotency-Key returns the stored first response.
CREATE TABLE idempotency_keys (
  scope         text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status_code   integer NOT NULL,
  response      jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
