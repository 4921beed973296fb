import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('events')
export class Event {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organiser_id' })
  organiserId: string;

  @Column()
  slug: string;

  @Column()
  title: string;

  @Column()
  description: string;

  @Column()
  venue: string;

  @Column()
  timezone: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ name: 'registration_opens_at', type: 'timestamptz' })
  registrationOpensAt: Date;

  @Column({ name: 'registration_closes_at', type: 'timestamptz' })
  registrationClosesAt: Date;

  @Column({ name: 'meeting_requests_close_at', type: 'timestamptz' })
  meetingRequestsCloseAt: Date;

  @Column({ name: 'cancellation_closes_at', type: 'timestamptz' })
  cancellationClosesAt: Date;

  @Column({ type: 'integer', nullable: true })
  capacity: number | null;

  @Column()
  waitlist: boolean;

  @Column({ name: 'participant_types', type: 'text', array: true })
  participantTypes: string[];

  @Column({ name: 'meeting_minutes' })
  meetingMinutes: number;

  @Column({ name: 'changeover_minutes' })
  changeoverMinutes: number;

  @Column()
  tables: number;

  /** ORGANIZER of calendar invites and Reply-To of emails. */
  @Column({ name: 'contact_email' })
  contactEmail: string;

  @Column({ type: 'text' })
  language: 'en' | 'de';

  /** Unordered pairs of participant types that may not meet. */
  @Column({ name: 'forbidden_type_pairs', type: 'jsonb' })
  forbiddenTypePairs: string[][];

  @Column({ name: 'max_requests_per_participant', type: 'integer', nullable: true })
  maxRequestsPerParticipant: number | null;

  @Column({ name: 'request_expiry_hours', type: 'integer', nullable: true })
  requestExpiryHours: number | null;

  /** Maintained by a database trigger; read-only for the application. */
  @Column({ name: 'confirmed_count', insert: false, update: false })
  confirmedCount: number;

  @OneToMany(() => EventSession, (session) => session.event, { cascade: ['insert'] })
  sessions: EventSession[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

@Entity('event_sessions')
export class EventSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'event_id' })
  eventId: string;

  @ManyToOne(() => Event, (event) => event.sessions, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id' })
  event: Event;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;
}

@Entity('slots')
export class Slot {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'event_id' })
  eventId: string;

  @Column({ name: 'session_id' })
  sessionId: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;
}
