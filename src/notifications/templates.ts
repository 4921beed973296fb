export type Language = 'en' | 'de';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface EmailContext {
  language: Language;
  publicBaseUrl: string;
  event: { title: string; venue: string; timezone: string; contactEmail: string };
  participant: { name: string; token: string };
}

export interface Partner {
  name: string;
  organisation: string;
}

export interface AgendaMeeting {
  startsAt: Date;
  table: number;
  partner: Partner;
}

export interface MeetingPlace {
  startsAt: Date;
  table: number;
}

export type Notification =
  | { cause: 'registration_confirmed' }
  | { cause: 'registration_waitlisted'; position: number }
  | { cause: 'registration_promoted' }
  | { cause: 'registration_cancelled' }
  | { cause: 'schedule_published'; meetings: AgendaMeeting[] }
  | { cause: 'meeting_moved'; partner: Partner; before: MeetingPlace; after: MeetingPlace }
  | { cause: 'meeting_cancelled'; partner: Partner; place: MeetingPlace };

export type Cause = Notification['cause'];

/** What an email says, before it is written out as text and as HTML. */
interface Message {
  subject: string;
  paragraphs: string[];
  agenda?: { head: string[]; rows: string[][] };
}

export function renderEmail(context: EmailContext, notification: Notification): RenderedEmail {
  const message = compose(context, notification);
  const link = { label: phrases[context.language].link, url: personalLink(context) };
  const footer = `${phrases[context.language].questions} ${context.event.contactEmail}`;
  return {
    // A line break in a participant's name must not reach a mail header.
    subject: message.subject.replace(/\s+/g, ' ').trim(),
    text: asText(message, link, footer),
    html: asHtml(message, link, footer),
  };
}

export function personalLink(context: Pick<EmailContext, 'publicBaseUrl' | 'participant'>): string {
  return `${context.publicBaseUrl.replace(/\/+$/, '')}/p/${encodeURIComponent(context.participant.token)}`;
}

// Building an Intl.DateTimeFormat costs far more than using one; an agenda email formats dozens of times.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string, language: Language): Intl.DateTimeFormat {
  const key = `${timezone}|${language}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', {
      timeZone: timezone,
      weekday: 'short',
      day: language === 'de' ? '2-digit' : 'numeric',
      month: language === 'de' ? '2-digit' : 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(key, format);
  }
  return format;
}

/** "Mon 15 Feb 2027, 10:25" / "Mo., 15.02.2027 10:25", always in the event's zone, whatever the server's. */
export function formatMeetingTime(instant: Date, timezone: string, language: Language): string {
  const parts = formatter(timezone, language).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const time = `${part('hour')}:${part('minute')}`;
  return language === 'de'
    ? `${part('weekday')}, ${part('day')}.${part('month')}.${part('year')} ${time}`
    : `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}, ${time}`;
}

const phrases = {
  en: {
    greeting: (name: string) => `Hello ${name},`,
    link: 'Your personal page (profile, meeting requests, cancellation):',
    questions: 'Questions? Write to',
    table: 'table',
    head: ['Time', 'Table', 'Partner', 'Organisation'],
  },
  de: {
    greeting: (name: string) => `Guten Tag ${name},`,
    link: 'Ihre persönliche Seite (Profil, Terminwünsche, Stornierung):',
    questions: 'Fragen? Schreiben Sie an',
    table: 'Tisch',
    head: ['Zeit', 'Tisch', 'Gesprächspartner', 'Organisation'],
  },
};

function compose(context: EmailContext, notification: Notification): Message {
  const { language, event } = context;
  const de = language === 'de';
  const greeting = phrases[language].greeting(context.participant.name);
  const at = (place: MeetingPlace) =>
    `${formatMeetingTime(place.startsAt, event.timezone, language)}, ${phrases[language].table} ${place.table}`;
  const partner = (p: Partner) => `${p.name} (${p.organisation})`;

  switch (notification.cause) {
    case 'registration_confirmed':
      return {
        subject: de ? `Anmeldung bestätigt: ${event.title}` : `Registration confirmed: ${event.title}`,
        paragraphs: [
          greeting,
          de
            ? `Ihre Anmeldung zu ${event.title} (${event.venue}) ist bestätigt.`
            : `your registration for ${event.title} (${event.venue}) is confirmed.`,
        ],
      };
    case 'registration_waitlisted':
      return {
        subject: de ? `Warteliste: ${event.title}` : `Waiting list: ${event.title}`,
        paragraphs: [
          greeting,
          de
            ? `${event.title} ist ausgebucht. Sie stehen auf Platz ${notification.position} der Warteliste; sobald ein Platz frei wird, erhalten Sie eine E-Mail.`
            : `${event.title} is fully booked. You are number ${notification.position} on the waiting list; we will email you as soon as a place becomes free.`,
        ],
      };
    case 'registration_promoted':
      return {
        subject: de ? `Sie sind dabei: ${event.title}` : `You have a place: ${event.title}`,
        paragraphs: [
          greeting,
          de
            ? `ein Platz ist frei geworden – Ihre Anmeldung zu ${event.title} (${event.venue}) ist jetzt bestätigt.`
            : `a place has become free and your registration for ${event.title} (${event.venue}) is now confirmed.`,
        ],
      };
    case 'registration_cancelled':
      return {
        subject: de ? `Anmeldung storniert: ${event.title}` : `Registration cancelled: ${event.title}`,
        paragraphs: [
          greeting,
          de
            ? `Ihre Anmeldung zu ${event.title} wurde storniert.`
            : `your registration for ${event.title} has been cancelled.`,
        ],
      };
    case 'schedule_published': {
      const meetings = [...notification.meetings].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
      return {
        subject: de ? `Ihr Terminplan: ${event.title}` : `Your meeting schedule: ${event.title}`,
        paragraphs: [
          greeting,
          de
            ? `Ihr persönlicher Terminplan für ${event.title} (${event.venue}) steht fest. Alle Zeiten sind Ortszeit (${event.timezone}).`
            : `your personal agenda for ${event.title} (${event.venue}) is ready. All times are local time (${event.timezone}).`,
          ...(meetings.length === 0
            ? [de ? 'Für Sie konnten leider keine Termine vereinbart werden.' : 'Unfortunately no meetings could be scheduled for you.']
            : []),
        ],
        agenda: meetings.length
          ? {
              head: phrases[language].head,
              rows: meetings.map((m) => [
                formatMeetingTime(m.startsAt, event.timezone, language),
                String(m.table),
                m.partner.name,
                m.partner.organisation,
              ]),
            }
          : undefined,
      };
    }
    case 'meeting_moved':
      return {
        subject: de ? `Termin verschoben: ${notification.partner.name}` : `Meeting moved: ${notification.partner.name}`,
        paragraphs: [
          greeting,
          de
            ? `Ihr Termin mit ${partner(notification.partner)} bei ${event.title} wurde verschoben.`
            : `your meeting with ${partner(notification.partner)} at ${event.title} has moved.`,
          `${de ? 'Bisher' : 'Before'}: ${at(notification.before)}\n${de ? 'Neu' : 'Now'}: ${at(notification.after)}`,
        ],
      };
    case 'meeting_cancelled':
      return {
        subject: de ? `Termin abgesagt: ${notification.partner.name}` : `Meeting cancelled: ${notification.partner.name}`,
        paragraphs: [
          greeting,
          de
            ? `Ihr Termin mit ${partner(notification.partner)} am ${at(notification.place)} wurde abgesagt.`
            : `your meeting with ${partner(notification.partner)} on ${at(notification.place)} has been cancelled.`,
        ],
      };
  }
}

function asText(message: Message, link: { label: string; url: string }, footer: string): string {
  const blocks = [...message.paragraphs];
  if (message.agenda) {
    const { head, rows } = message.agenda;
    const widths = head.map((_, i) => Math.max(...[head, ...rows].map((row) => row[i].length)));
    const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
    blocks.push([line(head), ...rows.map(line)].join('\n'));
  }
  blocks.push(`${link.label}\n${link.url}`, footer);
  return blocks.join('\n\n') + '\n';
}

function asHtml(message: Message, link: { label: string; url: string }, footer: string): string {
  const paragraph = (text: string) => `<p>${escapeHtml(text).replace(/\n/g, '<br>\n')}</p>`;
  const cells = (row: string[], tag: 'th' | 'td') => row.map((cell) => `<${tag}>${escapeHtml(cell)}</${tag}>`).join('');
  const agenda = message.agenda
    ? `<table cellpadding="4" style="border-collapse:collapse">\n<tr>${cells(message.agenda.head, 'th')}</tr>\n` +
      message.agenda.rows.map((row) => `<tr>${cells(row, 'td')}</tr>\n`).join('') +
      '</table>'
    : '';
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"></head><body>',
    ...message.paragraphs.map(paragraph),
    agenda,
    `<p>${escapeHtml(link.label)}<br>\n<a href="${escapeHtml(link.url)}">${escapeHtml(link.url)}</a></p>`,
    paragraph(footer),
    '</body></html>',
  ]
    .filter(Boolean)
    .join('\n');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
