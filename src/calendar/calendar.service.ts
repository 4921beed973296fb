import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import { calendarFeedUrl, feedToken, hashSecret, participantToken } from '../common/secrets';
import { Env } from '../config/env';
import { NotificationsService } from '../notifications/notifications.service';
import { OutboxEmail, OutboxRepository } from '../notifications/outbox.repository';
import { participantFeed } from './ics';

/** The personal calendar feed: a secret URL per participant with the event and all their published meetings. */
@Injectable()
export class CalendarService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly notifications: NotificationsService,
    private readonly env: Env,
  ) {}

  async feed(token: string): Promise<string> {
    const [row] = await this.dataSource.query(
      `SELECT r.id AS registration_id, r.name, r.email, e.id AS event_id, e.slug, e.title, e.description, e.venue, e.timezone,
              e.starts_at, e.ends_at, e.contact_email, e.published_version
       FROM registrations r JOIN events e ON e.id = r.event_id
       WHERE r.feed_token_hash = $1 AND r.status <> 'cancelled'`,
      [hashSecret(token)],
    );
    if (!row) throw ApiError.notFound('Calendar feed');
    const context = row as OutboxEmail & { published_version: number | null };
    const meetings = row.published_version === null ? [] : await this.outbox.meetings(row.event_id, row.published_version, row.registration_id);
    const personal = participantToken(this.env.APP_SECRET, row.registration_id);
    return participantFeed(
      {
        participantName: row.name,
        event: this.notifications.calendarEvent(context),
        meetings: meetings.map((meeting) => this.notifications.calendarMeeting(context, meeting, personal, 'confirmed')),
      },
      { publicBaseUrl: this.env.PUBLIC_BASE_URL },
    );
  }

  /** A new feed URL; the old one stops working at once. */
  async revoke(registrationId: string): Promise<string> {
    const [[row]] = await this.dataSource.query(
      `UPDATE registrations SET feed_version = feed_version + 1 WHERE id = $1 RETURNING feed_version`,
      [registrationId],
    );
    await this.dataSource.query(`UPDATE registrations SET feed_token_hash = $2 WHERE id = $1`, [
      registrationId, hashSecret(feedToken(this.env.APP_SECRET, registrationId, row.feed_version)),
    ]);
    return calendarFeedUrl(this.env.PUBLIC_BASE_URL, this.env.APP_SECRET, registrationId, row.feed_version);
  }
}
