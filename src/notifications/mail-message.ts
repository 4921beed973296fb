import type { SendMailOptions } from 'nodemailer';
import type { Cause, RenderedEmail } from './templates';

export interface MessageInput {
  /** The address mail is sent from (SMTP envelope and From); the event title is its display name. */
  sender: string;
  event: { title: string; contactEmail: string };
  to: { name: string; email: string };
  email: RenderedEmail;
  /** A meetingInvite(); its METHOD must equal `method`, which nodemailer puts on the MIME part. */
  invite?: { method: 'REQUEST' | 'CANCEL'; content: string };
  /** eventIcs(), attached as a file to save, not as an invitation to answer. */
  eventIcs?: string;
}

/** The causes whose email carries the whole event as an .ics attachment. */
export function carriesEventIcs(cause: Cause): boolean {
  return cause === 'registration_confirmed' || cause === 'registration_promoted';
}

export function buildMessage(input: MessageInput): SendMailOptions {
  // Clients act on the MIME method, and some on METHOD inside; if they differ
  // an update can be applied as a cancellation, so refuse to build such a message.
  const methodInside = input.invite && /^METHOD:(.*)\r?$/m.exec(input.invite.content)?.[1];
  if (input.invite && methodInside !== input.invite.method) {
    throw new Error(`invite method ${input.invite.method} does not match METHOD:${methodInside} inside`);
  }
  return {
    // Address objects let nodemailer quote and encode names such as "Łódź" itself.
    from: { name: input.event.title, address: input.sender },
    replyTo: input.event.contactEmail,
    to: { name: input.to.name, address: input.to.email },
    subject: input.email.subject,
    text: input.email.text,
    html: input.email.html,
    // Sent as an alternative part, so mail clients show accept/decline buttons
    // or update the calendar entry instead of listing a file.
    icalEvent: input.invite && { method: input.invite.method, filename: 'invite.ics', content: input.invite.content },
    attachments: input.eventIcs
      ? [{ filename: 'event.ics', content: input.eventIcs, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }]
      : [],
  };
}
