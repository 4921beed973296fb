-- Notifications: a transactional outbox of emails, calendar sequence numbers and feed secrets.
--   * an email row is written in the same transaction as the change that causes it
--   * the same email is never queued twice: dedupe_key (participant, cause, version) is unique

ALTER TABLE events
  ADD COLUMN contact_email text NOT NULL DEFAULT '',
  ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'de'));

-- Raised on every change of a published meeting's time, place or status; calendar clients
-- apply an update only when SEQUENCE grows.
ALTER TABLE meetings ADD COLUMN sequence integer NOT NULL DEFAULT 0;

-- The calendar feed URL is derived from the registration and this version; revoking bumps it.
ALTER TABLE registrations
  ADD COLUMN feed_version integer NOT NULL DEFAULT 1,
  ADD COLUMN feed_token_hash text UNIQUE;

CREATE TABLE email_outbox (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id         uuid NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  registration_id  uuid NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
  cause            text NOT NULL CHECK (cause IN ('registration_confirmed', 'registration_waitlisted', 'registration_promoted',
                                                  'registration_cancelled', 'schedule_published', 'meeting_moved', 'meeting_cancelled')),
  dedupe_key       text NOT NULL UNIQUE,
  payload          jsonb NOT NULL DEFAULT '{}',
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- last handed to the queue; a pending row not enqueued for a while is enqueued again
  enqueued_at      timestamptz,
  sent_at          timestamptz
);
CREATE INDEX email_outbox_pending_idx ON email_outbox (enqueued_at NULLS FIRST, created_at) WHERE status = 'pending';
CREATE INDEX email_outbox_event_idx ON email_outbox (event_id, status, created_at);

-- Whatever confirms, waitlists or cancels a registration (a participant, the organiser, a promotion
-- from the waiting list) writes the email in the same transaction.
CREATE FUNCTION registrations_queue_email() RETURNS trigger AS $$
DECLARE
  cause text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    cause := 'registration_' || NEW.status;
  ELSIF NEW.status = OLD.status THEN
    RETURN NULL;
  ELSIF NEW.status = 'confirmed' AND OLD.status = 'waitlisted' THEN
    cause := 'registration_promoted';
  ELSE
    cause := 'registration_' || NEW.status;
  END IF;
  INSERT INTO email_outbox (event_id, registration_id, cause, dedupe_key, payload)
  VALUES (NEW.event_id, NEW.id, cause, NEW.id || ':' || cause || ':' || txid_current(),
          CASE WHEN NEW.status = 'waitlisted'
               THEN jsonb_build_object('position', (SELECT waitlisted_count FROM events WHERE id = NEW.event_id))
               ELSE '{}' END)
  ON CONFLICT (dedupe_key) DO NOTHING;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER registrations_queue_email
  AFTER INSERT OR UPDATE OF status ON registrations
  FOR EACH ROW EXECUTE FUNCTION registrations_queue_email();

-- A meeting cancelled after publication: a CANCEL of exactly that invite to both people.
CREATE FUNCTION meetings_queue_cancellation() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM events e JOIN schedule_placements p
             ON p.event_id = e.id AND p.version = e.published_version AND p.meeting_id = NEW.id
             WHERE e.id = NEW.event_id) THEN
    UPDATE meetings SET sequence = sequence + 1 WHERE id = NEW.id;
    INSERT INTO email_outbox (event_id, registration_id, cause, dedupe_key, payload)
    SELECT NEW.event_id, person, 'meeting_cancelled', person || ':' || NEW.id || ':cancelled',
           jsonb_build_object('meetingId', NEW.id, 'slotId', p.slot_id, 'table', p.table_no)
    FROM events e JOIN schedule_placements p ON p.event_id = e.id AND p.version = e.published_version AND p.meeting_id = NEW.id,
         unnest(ARRAY[NEW.participant_a, NEW.participant_b]) AS person
    WHERE e.id = NEW.event_id
    ON CONFLICT (dedupe_key) DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Named to run before meetings_leave_current_schedule (triggers fire in name order),
-- while the placement is still there to read.
CREATE TRIGGER meetings_a_queue_cancellation
  AFTER UPDATE OF status ON meetings
  FOR EACH ROW WHEN (NEW.status = 'cancelled' AND OLD.status <> 'cancelled')
  EXECUTE FUNCTION meetings_queue_cancellation();
