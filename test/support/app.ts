import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { Clock } from '../../src/common/clock';
import { Env, loadEnv } from '../../src/config/env';
import { OrganisersService } from '../../src/organisers/organisers.service';

/** A clock the test sets; null means real time. */
export class TestClock extends Clock {
  private fixed: Date | null = null;

  set(instant: string | Date | null): void {
    this.fixed = instant === null ? null : new Date(instant);
  }

  override now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }
}

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  clock: TestClock;
  organiserKey: string;
  newOrganiserKey(name?: string): Promise<string>;
  close(): Promise<void>;
}

/** Boots the real app (real Postgres and Redis from the per-run global setup) and listens on an ephemeral port. */
export async function bootApp(env: Partial<Record<keyof Env, string>> = {}): Promise<TestApp> {
  const clock = new TestClock();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(Clock).useValue(clock)
    .overrideProvider(Env).useValue(loadEnv({ ...process.env, ...env }))
    .compile();
  const app = configureApp(moduleRef.createNestApplication({ logger: ['error'], bodyParser: false }));
  await app.init();
  await app.listen(0, '127.0.0.1');
  const newOrganiserKey = async (name = 'Test organiser') => (await app.get(OrganisersService).create(name)).apiKey;
  return {
    app,
    http: request(app.getHttpServer()),
    clock,
    organiserKey: await newOrganiserKey(),
    newOrganiserKey,
    close: () => app.close(),
  };
}

let slugCounter = 0;

/** A valid event body (Europe/Berlin, like the example); override what a test is about. */
export function eventBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  slugCounter += 1;
  return {
    title: 'Industrie-Innovationsdialog 2027',
    slug: `iid-${process.pid}-${slugCounter}-${Math.random().toString(36).slice(2, 8)}`,
    timezone: 'Europe/Berlin',
    venue: 'TU Ilmenau',
    startsAt: '2027-02-15T09:00:00+01:00',
    endsAt: '2027-02-15T17:00:00+01:00',
    registrationOpensAt: '2027-01-10T00:00:00+01:00',
    registrationClosesAt: '2027-02-09T23:59:59+01:00',
    meetingRequestsCloseAt: '2027-02-13T12:00:00+01:00',
    cancellationClosesAt: '2027-02-14T12:00:00+01:00',
    capacity: 120,
    waitlist: true,
    participantTypes: ['company', 'research', 'startup'],
    meetingMinutes: 20,
    changeoverMinutes: 5,
    tables: 30,
    sessions: [{ startsAt: '2027-02-15T10:00:00+01:00', endsAt: '2027-02-15T12:30:00+01:00' }],
    ...overrides,
  };
}

let personCounter = 0;

export function registrationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  personCounter += 1;
  return {
    email: `person${personCounter}.${Math.random().toString(36).slice(2, 8)}@example.org`,
    name: `Person ${personCounter}`,
    organisation: `Organisation ${personCounter}`,
    participantType: 'company',
    country: 'DE',
    profile: 'We build sensors.',
    topics: ['sensors'],
    ...overrides,
  };
}

export async function createEvent(t: TestApp, overrides: Record<string, unknown> = {}, key = t.organiserKey) {
  const response = await t.http.post('/api/events').set('Authorization', `Bearer ${key}`).send(eventBody(overrides));
  if (response.status !== 201) throw new Error(`create event failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string; slug: string } & Record<string, unknown>;
}
