import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { eventIcs, meetingInvite, CalendarMeeting } from '../calendar/ics';
import { participantToken } from '../common/secrets';
import { Env } from '../config/env';
import { emailsTotal } from '../observability/metrics';
import { buildMessage, carriesEventIcs } from './mail-message';
import { Mailer } from './mailer';
import { MeetingForEmail, OutboxEmail, OutboxRepository } from './outbox.repository';
import { EmailContext, Notification, renderEmail } from './templates';

export interface DeliveryJob {
  outboxId: string;
}

/** Renders and sends one outbox row. A row that is already sent or failed is left alone, so a repeated job sends nothing. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly mailer: Mailer,
    private readonly env: Env,
  ) {}

  async deliver(outboxId: string): Promise<'sent' | 'skipped'> {
    const row = await this.outbox.load(outboxId);
    if (!row || row.status !== 'pending') return 'skipped';
    const token = participantToken(this.env.APP_SECRET, row.registration_id);
    const context: EmailContext = {
      language: row.language,
      publicBaseUrl: this.env.PUBLIC_BASE_URL,
      event: { title: row.title, venue: row.venue, timezone: row.timezone, contactEmail: this.contactOf(row) },
      participant: { name: row.name, token },
    };
    const { notification, invite, attachments } = await this.compose(row, token);
    const message = buildMessage({
      sender: this.env.SMTP_FROM,
      event: { title: row.title, contactEmail: this.contactOf(row) },
      to: { name: row.name, email: row.email },
      email: renderEmail(context, notification),
      invite,
      eventIcs: carriesEventIcs(row.cause) ? eventIcs(this.calendarEvent(row), { publicBaseUrl: this.env.PUBLIC_BASE_URL }) : undefined,
    });
    message.attachments = [...(message.attachments ?? []), ...attachments];
    // The same cause always gets the same Message-ID, so a resend after a crash is recognisable as a duplicate.
    const messageKey = createHash('sha256').update(row.dedupe_key).digest('hex').slice(0, 32);
    message.messageId = `<${messageKey}@brokerage>`;
    await this.mailer.send(message, `${new Date().toISOString().replace(/[:.]/g, '-')}-${row.cause}-${messageKey.slice(0, 8)}`);
    await this.outbox.markSent(outboxId);
    emailsTotal.inc({ cause: row.cause, outcome: 'sent' });
    return 'sent';
  }

  async recordFailure(outboxId: string, error: Error, final: boolean): Promise<void> {
    await this.outbox.recordFailure(outboxId, error.message, final);
    if (final) emailsTotal.inc({ cause: 'any', outcome: 'failed' });
  }

  private async compose(row: OutboxEmail, token: string): Promise<{
    notification: Notification;
    invite?: { method: 'REQUEST' | 'CANCEL'; content: string };
    attachments: { filename: string; content: string; contentType: string }[];
  }> {
    const payload = row.payload as Record<string, never>;
    switch (row.cause) {
      case 'registration_waitlisted':
        return { notification: { cause: row.cause, position: payload.position ?? 0 }, attachments: [] };
      case 'registration_confirmed':
      case 'registration_promoted':
      case 'registration_cancelled':
        return { notification: { cause: row.cause }, attachments: [] };
      case 'schedule_published': {
        const meetings = await this.outbox.meetings(row.event_id, payload.version, row.registration_id);
        return {
          notification: { cause: row.cause, meetings: meetings.map((m) => ({ startsAt: m.starts_at, table: m.table_no, partner: this.partnerOf(m) })) },
          // One invite per meeting, as files: an iTIP message may carry only one UID.
          attachments: meetings.map((m, index) => ({
            filename: `meeting-${index + 1}.ics`,
            content: meetingInvite(this.calendarMeeting(row, m, token, 'confirmed'), 'REQUEST'),
            contentType: 'text/calendar; charset=utf-8; method=REQUEST',
          })),
        };
      }
      case 'meeting_moved': {
        const [meeting] = await this.outbox.meetings(row.event_id, payload.version, row.registration_id, payload.meetingId);
        const before = { startsAt: await this.outbox.slotStart(payload.beforeSlotId), table: payload.beforeTable };
        return {
          notification: { cause: row.cause, partner: this.partnerOf(meeting), before, after: { startsAt: meeting.starts_at, table: meeting.table_no } },
          invite: { method: 'REQUEST', content: meetingInvite(this.calendarMeeting(row, meeting, token, 'confirmed'), 'REQUEST') },
          attachments: [],
        };
      }
      case 'meeting_cancelled': {
        const meeting = (await this.outbox.formerMeeting(payload.meetingId, row.registration_id, payload.slotId, payload.table))!;
        return {
          notification: { cause: row.cause, partner: this.partnerOf(meeting), place: { startsAt: meeting.starts_at, table: meeting.table_no } },
          invite: { method: 'CANCEL', content: meetingInvite(this.calendarMeeting(row, meeting, token, 'cancelled'), 'CANCEL') },
          attachments: [],
        };
      }
    }
  }

  private contactOf(row: OutboxEmail): string {
    return row.contact_email || this.env.SMTP_FROM;
  }

  private partnerOf(meeting: MeetingForEmail) {
    return { name: meeting.partner_name, organisation: meeting.partner_organisation };
  }

  calendarEvent(row: Pick<OutboxEmail, 'event_id' | 'slug' | 'title' | 'description' | 'venue' | 'timezone' | 'starts_at' | 'ends_at' | 'contact_email'>) {
    return {
      id: row.event_id, slug: row.slug, title: row.title, description: row.description, venue: row.venue, timezone: row.timezone,
      startsAt: row.starts_at, endsAt: row.ends_at, contactEmail: row.contact_email || this.env.SMTP_FROM,
    };
  }

  calendarMeeting(
    row: Pick<OutboxEmail, 'title' | 'venue' | 'timezone' | 'contact_email' | 'name' | 'email' | 'event_id' | 'slug' | 'description' | 'starts_at' | 'ends_at'>,
    meeting: MeetingForEmail,
    token: string,
    status: CalendarMeeting['status'],
  ): CalendarMeeting {
    return {
      id: meeting.meeting_id, sequence: meeting.sequence, status, startsAt: meeting.starts_at, endsAt: meeting.ends_at, table: meeting.table_no,
      event: { title: row.title, venue: row.venue, timezone: row.timezone, contactEmail: row.contact_email || this.env.SMTP_FROM },
      attendee: { name: row.name, email: row.email },
      partner: { ...this.partnerOf(meeting), profileUrl: `${this.env.PUBLIC_BASE_URL}/p/${token}/directory/${meeting.partner_id}` },
    };
  }
}
