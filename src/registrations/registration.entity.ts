import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type RegistrationStatus = 'confirmed' | 'waitlisted' | 'cancelled';
export const REGISTRATION_STATUSES: RegistrationStatus[] = ['confirmed', 'waitlisted', 'cancelled'];

@Entity('registrations')
export class Registration {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'event_id' })
  eventId: string;

  @Column()
  email: string;

  @Column()
  name: string;

  @Column()
  organisation: string;

  @Column({ name: 'participant_type' })
  participantType: string;

  @Column()
  country: string;

  @Column()
  profile: string;

  @Column({ type: 'text', array: true })
  topics: string[];

  @Column({ type: 'text' })
  status: RegistrationStatus;

  @Column({ name: 'waitlist_seq', type: 'bigint', nullable: true })
  waitlistSeq: string | null;

  @Column({ name: 'max_meetings', type: 'integer', nullable: true })
  maxMeetings: number | null;

  @Column({ name: 'token_hash', select: false })
  tokenHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;
}
