import { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { simpleParser, ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { CalendarEvent, CalendarMeeting, eventIcs, meetingInvite } from '../calendar/ics';
import { buildMessage, carriesEventIcs, MessageInput } from './mail-message';
import { renderEmail } from './templates';

const event: CalendarEvent = {
  id: 'e1',
  slug: 'lodz-2027',
  title: 'Brokerage Łódź – Thüringen',
  description: 'Gespräche mit Müller & Co.',
  venue: 'Manufaktura, Łódź',
  timezone: 'Europe/Warsaw',
  startsAt: DateTime.fromISO('2027-03-28T09:00', { zone: 'Europe/Warsaw' }).toJSDate(),
  endsAt: DateTime.fromISO('2027-03-28T17:00', { zone: 'Europe/Warsaw' }).toJSDate(),
  contactEmail: 'kontakt@brokerage.example',
};

const meeting: CalendarMeeting = {
  id: 'm1',
  sequence: 1,
  status: 'confirmed',
  startsAt: DateTime.fromISO('2027-03-28T10:25', { zone: 'Europe/Warsaw' }).toJSDate(),
  endsAt: DateTime.fromISO('2027-03-28T10:50', { zone: 'Europe/Warsaw' }).toJSDate(),
  table: 5,
  event,
  attendee: { name: 'Jürgen Müller', email: 'mueller@firma.example' },
  partner: { name: 'Agnieszka Wróbel', organisation: 'Łódź Robotics', profileUrl: 'https://brokerage.example/profiles/9' },
};

const context = {
  language: 'de' as const,
  publicBaseUrl: 'https://brokerage.example',
  event,
  participant: { name: 'Jürgen Müller', token: 'tok1' },
};

const base = (overrides: Partial<MessageInput>): MessageInput => ({
  sender: 'noreply@brokerage.example',
  event,
  to: meeting.attendee,
  email: renderEmail(context, { cause: 'registration_confirmed' }),
  ...overrides,
});

async function render(input: MessageInput): Promise<ParsedMail> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const { message } = await transport.sendMail(buildMessage(input));
  return simpleParser(message as Buffer);
}

const calendarParts = (mail: ParsedMail) => mail.attachments.filter((a) => a.contentType === 'text/calendar');
const methodParameter = (part: ParsedMail['attachments'][number]) =>
  (part.headers.get('content-type') as { params: Record<string, string> }).params.method;
const methodInside = (ics: string) => /^METHOD:(.*)$/m.exec(ics)?.[1].trim();

describe('mail messages', () => {
  it('sends from the event under the configured sender, replying to the organiser', async () => {
    const mail = await render(base({ eventIcs: eventIcs(event, context) }));
    expect(mail.from?.value).toEqual([{ name: 'Brokerage Łódź – Thüringen', address: 'noreply@brokerage.example' }]);
    expect(mail.replyTo?.value).toEqual([{ name: '', address: 'kontakt@brokerage.example' }]);
    expect(mail.to).toMatchObject({ value: [{ name: 'Jürgen Müller', address: 'mueller@firma.example' }] });
    expect(mail.subject).toBe('Anmeldung bestätigt: Brokerage Łódź – Thüringen');
    expect(mail.text).toContain('Guten Tag Jürgen Müller,');
    expect(mail.html).toContain('Guten Tag Jürgen Müller,');
  });

  it('attaches the event as a PUBLISH calendar for confirmed and promoted registrations', async () => {
    expect(carriesEventIcs('registration_confirmed')).toBe(true);
    expect(carriesEventIcs('registration_promoted')).toBe(true);
    expect(carriesEventIcs('registration_waitlisted')).toBe(false);

    const mail = await render(base({ eventIcs: eventIcs(event, context) }));
    const [attachment] = calendarParts(mail);
    expect(calendarParts(mail)).toHaveLength(1);
    expect(attachment.filename).toBe('event.ics');
    expect(methodParameter(attachment)).toBe('PUBLISH');
    expect(methodInside(attachment.content.toString('utf8'))).toBe('PUBLISH');
    expect(attachment.content.toString('utf8')).toContain('SUMMARY:Brokerage Łódź – Thüringen');
  });

  it.each(['REQUEST', 'CANCEL'] as const)('carries a %s invite whose MIME method matches METHOD inside', async (method) => {
    const cancelled = method === 'CANCEL';
    const email = cancelled
      ? renderEmail(context, { cause: 'meeting_cancelled', partner: meeting.partner, place: meeting })
      : renderEmail(context, { cause: 'schedule_published', meetings: [meeting] });
    const content = meetingInvite(cancelled ? { ...meeting, sequence: 2, status: 'cancelled' } : meeting, method);
    const mail = await render(base({ email, invite: { method, content } }));

    const [invite] = calendarParts(mail);
    expect(calendarParts(mail)).toHaveLength(1);
    expect(methodParameter(invite)).toBe(method);
    expect(methodInside(invite.content.toString('utf8'))).toBe(method);
    expect(invite.content.toString('utf8')).toContain('UID:meeting-m1@brokerage');
    expect(invite.content.toString('utf8')).toContain('Łódź Robotics');
    expect(mail.text).toContain('Agnieszka Wróbel');
  });

  it('refuses an invite whose METHOD inside differs from the MIME method', () => {
    expect(() => buildMessage(base({ invite: { method: 'CANCEL', content: meetingInvite(meeting, 'REQUEST') } }))).toThrow(
      'invite method CANCEL does not match METHOD:REQUEST inside',
    );
  });

  it('travels through a real SMTP server', async () => {
    const received: Buffer[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.server.address() as AddressInfo;
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
      const content = meetingInvite(meeting, 'REQUEST');
      const info = await transport.sendMail(buildMessage(base({ invite: { method: 'REQUEST', content } })));
      expect(info.accepted).toEqual(['mueller@firma.example']);
      expect(info.envelope.from).toBe('noreply@brokerage.example');

      const mail = await simpleParser(received[0]);
      expect(mail.subject).toBe('Anmeldung bestätigt: Brokerage Łódź – Thüringen');
      expect(methodParameter(calendarParts(mail)[0])).toBe('REQUEST');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
