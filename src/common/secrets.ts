import { createHash, createHmac, randomBytes } from 'node:crypto';

/** A new high-entropy secret (API key, participant token, feed token). */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/** Secrets have 192 bits of entropy, so a fast hash is enough to make a leaked table useless. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * A participant's personal token, derived from the registration id with the
 * app secret: emails sent long after registration (promotion, agenda) can
 * carry the personal link although only the token's hash is stored.
 */
export function participantToken(secret: string, registrationId: string): string {
  return `p_${createHmac('sha256', secret).update(`participant:${registrationId}`).digest('base64url').slice(0, 32)}`;
}

/** The secret part of a participant's calendar feed URL; a new version revokes the old URL. */
export function feedToken(secret: string, registrationId: string, version: number): string {
  return `f_${createHmac('sha256', secret).update(`feed:${registrationId}:${version}`).digest('base64url').slice(0, 32)}`;
}

export function calendarFeedUrl(publicBaseUrl: string, secret: string, registrationId: string, version: number): string {
  return `${publicBaseUrl}/calendar/${feedToken(secret, registrationId, version)}.ics`;
}
