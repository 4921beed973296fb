import { createHash, randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hashSecret } from '../common/secrets';
import { EventsService } from '../events/events.service';
import { Organiser } from '../organisers/organiser.entity';
import { generateEvent, mulberry32 } from '../scheduling/engine/generator';

const COUNTRIES: Record<string, { first: string[]; last: string[]; city: string[] }> = {
  DE: { first: ['Anna', 'Jonas', 'Lena', 'Felix', 'Miriam', 'Tobias', 'Katrin', 'Stefan'], last: ['Schmidt', 'Wagner', 'Becker', 'Hoffmann', 'Krause', 'Lehmann'], city: ['Jena', 'Erlangen', 'Tuttlingen', 'Ilmenau', 'Berlin'] },
  FR: { first: ['Camille', 'Julien', 'Claire', 'Mathieu', 'Élodie', 'Nicolas'], last: ['Martin', 'Bernard', 'Dubois', 'Lefèvre', 'Moreau', 'Girard'], city: ['Lyon', 'Grenoble', 'Strasbourg', 'Besançon'] },
  BE: { first: ['Lotte', 'Pieter', 'Sofie', 'Thomas', 'Elise', 'Wout'], last: ['Peeters', 'Janssens', 'Maes', 'Claes', 'Dumont', 'Lambert'], city: ['Leuven', 'Gent', 'Liège', 'Mons'] },
  PL: { first: ['Agnieszka', 'Piotr', 'Katarzyna', 'Tomasz', 'Magdalena', 'Łukasz'], last: ['Nowak', 'Kowalski', 'Wiśniewska', 'Wójcik', 'Kamiński', 'Zieliński'], city: ['Kraków', 'Wrocław', 'Poznań', 'Łódź'] },
  IT: { first: ['Giulia', 'Marco', 'Chiara', 'Luca', 'Francesca', 'Davide'], last: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano'], city: ['Milano', 'Bologna', 'Torino', 'Pisa'] },
};
const TYPES = [
  { type: 'sme', share: 0.55, org: ['Medizintechnik', 'Medical', 'Diagnostics', 'Surgical', 'Orthopaedics', 'Imaging'] },
  { type: 'technology-centre', share: 0.2, org: ['Institute of Biomedical Engineering', 'Technology Centre', 'Photonics Lab', 'Clinic Research Unit'] },
  { type: 'startup', share: 0.17, org: ['Health', 'Bio', 'Sense', 'Care', 'Scan', 'Med'] },
  { type: 'investor', share: 0.08, org: ['Ventures', 'Capital', 'Health Fund', 'Invest'] },
];
const TOPICS = [
  'medical imaging', 'wearables', 'diagnostics', 'orthopaedic implants', 'surgical robotics', 'digital health', 'MDR certification',
  'biomaterials', 'photonics', 'AI in radiology', 'telemedicine', 'clinical trials', 'sterilisation', 'micro-fluidics', 'hearing aids',
];

export interface DemoEventOptions {
  participants: number;
  /** Accepted meeting requests per participant on average (the generator's popularity law applies). */
  requestsPerParticipant: number;
  seed?: number;
  slug?: string;
  /** First meeting day (local date in Europe/Berlin); default 2027-03-16. */
  day?: string;
  /** Tables per slot; default participants / 2.5. */
  tables?: number;
}

export interface DemoEvent {
  eventId: string;
  slug: string;
  participants: number;
  meetings: number;
  /** A few participants' personal tokens, to try the participant API. */
  sampleTokens: { name: string; token: string }[];
}

function addDays(date: string, days: number): string {
  const value = new Date(`${date}T12:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

/**
 * A realistic two-day international medtech brokerage event: cluster partners
 * from Germany, France, Belgium, Poland and Italy (SMEs, technology centres,
 * start-ups, investors), with topics, partial availability, meeting caps and
 * accepted meeting requests whose demand follows a popularity law (from the
 * engine's generator). Registration closes a week before the event. Rows are
 * written in bulk SQL: volume matters here, the API paths are tested elsewhere.
 */
export async function createDemoEvent(app: INestApplicationContext, organiser: Organiser, options: DemoEventOptions): Promise<DemoEvent> {
  const seed = options.seed ?? 2027;
  const random = mulberry32(seed);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const day1 = options.day ?? '2027-03-16';
  const day2 = addDays(day1, 1);
  const generated = generateEvent({ participants: options.participants, requestsPerParticipant: options.requestsPerParticipant, seed });
  const tables = options.tables ?? Math.max(1, Math.ceil(options.participants / 2.5));
  const slug = options.slug ?? `medtech-brokerage-${day1.slice(0, 4)}-${randomBytes(3).toString('hex')}`;
  const event = await app.get(EventsService).create(organiser, {
    title: 'MedTech Brokerage Days 2027 — Cross-border partnering for medical technology',
    slug,
    description: 'Two days of pre-arranged 20-minute one-to-one meetings between SMEs, technology centres, start-ups and investors of five European medtech clusters.',
    venue: 'Messe Erfurt, Hall 2',
    timezone: 'Europe/Berlin',
    startsAt: `${day1}T08:30:00`, endsAt: `${day2}T17:30:00`,
    registrationOpensAt: addDays(day1, -60) + 'T00:00:00', registrationClosesAt: addDays(day1, -7) + 'T23:59:59',
    meetingRequestsCloseAt: addDays(day1, -3) + 'T12:00:00', cancellationClosesAt: addDays(day1, -1) + 'T12:00:00',
    capacity: null, waitlist: true,
    participantTypes: TYPES.map((entry) => entry.type),
    meetingMinutes: 20, changeoverMinutes: 0, tables,
    sessions: [day1, day2].flatMap((date) => [
      { startsAt: `${date}T09:00:00`, endsAt: `${date}T12:30:00` },
      { startsAt: `${date}T13:30:00`, endsAt: `${date}T17:00:00` },
    ]),
  });
  const dataSource = app.get(DataSource);
  const slots: { id: string }[] = await dataSource.query(`SELECT id FROM slots WHERE event_id = $1 ORDER BY starts_at`, [event.id]);
  const slotByGenerated = new Map(generated.slots.map((slot, index) => [slot.id, slots[index % slots.length].id]));

  // Every participant gets an organisation of its own: meetings within one organisation are not allowed.
  const organisations = new Set<string>();
  const uniqueOrganisation = (name: string, index: number) => {
    const unique = organisations.has(name) ? `${name} (${index + 1})` : name;
    organisations.add(unique);
    return unique;
  };
  const people = generated.participants.map((participant, index) => {
    const country = pick(Object.keys(COUNTRIES));
    const names = COUNTRIES[country];
    let roll = random();
    const kind = TYPES.find((entry) => (roll -= entry.share) < 0) ?? TYPES[0];
    const name = `${pick(names.first)} ${pick(names.last)}`;
    const organisation = uniqueOrganisation(
      kind.type === 'technology-centre' ? `${pick(kind.org)} ${pick(names.city)}` : `${pick(names.last)} ${pick(kind.org)}${kind.type === 'sme' ? ' GmbH' : ''}`,
      index,
    );
    const topics = [...new Set([pick(TOPICS), pick(TOPICS), pick(TOPICS)])];
    const available = new Set((participant.availableSlotIds ?? generated.slots.map((slot) => slot.id)).map((id) => slotByGenerated.get(id)!));
    const token = `p_${createHash('sha256').update(`${seed}:${slug}:${index}`).digest('base64url').slice(0, 32)}`;
    return {
      generatedId: participant.id, name, organisation, country, type: kind.type, topics, token,
      email: `${name.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').replace(/ /g, '.')}.${index + 1}@example.org`,
      profile: `${kind.type === 'investor' ? 'Invests in' : 'Works on'} ${topics.join(', ')}.`,
      maxMeetings: participant.maxMeetings ?? null,
      unavailable: slots.map((slot) => slot.id).filter((id) => !available.has(id)),
    };
  });
  const ids: { id: string }[] = await dataSource.query(
    `INSERT INTO registrations (event_id, email, name, organisation, participant_type, country, profile, topics, status, token_hash, confirmed_at, max_meetings)
     SELECT $1, e, n, o, t, c, p, string_to_array(tp, '|'), 'confirmed', h, now(), mm
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[])
       AS x(e, n, o, t, c, p, tp, h, mm)
     RETURNING id`,
    [
      event.id, people.map((p) => p.email), people.map((p) => p.name), people.map((p) => p.organisation), people.map((p) => p.type),
      people.map((p) => p.country), people.map((p) => p.profile), people.map((p) => p.topics.join('|')), people.map((p) => hashSecret(p.token)),
      people.map((p) => p.maxMeetings),
    ],
  );
  const registrationOf = new Map(people.map((person, index) => [person.generatedId, ids[index].id]));
  const unavailable = people.flatMap((person, index) => person.unavailable.map((slotId) => [ids[index].id, slotId]));
  await dataSource.query(
    `INSERT INTO registration_unavailable_slots (registration_id, slot_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`,
    [unavailable.map(([registration]) => registration), unavailable.map(([, slot]) => slot)],
  );
  const meetings = generated.meetings.map((meeting) => ({
    a: registrationOf.get(meeting.participantIds[0])!, b: registrationOf.get(meeting.participantIds[1])!, priority: Math.min(3, meeting.priority ?? 1),
  }));
  await dataSource.query(
    `WITH requests AS (
       INSERT INTO meeting_requests (event_id, requester_id, recipient_id, message, priority, status, created_at, answered_at)
       SELECT $1, a, b, 'Looking forward to discussing a cooperation.', pr, 'accepted', now(), now()
       FROM unnest($2::uuid[], $3::uuid[], $4::int[]) AS x(a, b, pr)
       RETURNING id, requester_id, recipient_id, priority)
     INSERT INTO meetings (event_id, participant_a, participant_b, request_id, priority, source, created_at)
     SELECT $1, requester_id, recipient_id, id, priority, 'request', now() FROM requests`,
    [event.id, meetings.map((m) => m.a), meetings.map((m) => m.b), meetings.map((m) => m.priority)],
  );
  return {
    eventId: event.id, slug, participants: people.length, meetings: meetings.length,
    sampleTokens: people.slice(0, 3).map((person) => ({ name: `${person.name} (${person.organisation})`, token: person.token })),
  };
}
