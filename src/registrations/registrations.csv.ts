import { DateTime } from 'luxon';
import { RegistrationRow } from './registrations.repository';

const COLUMNS: [string, (row: RegistrationRow, zone: string) => string][] = [
  ['id', (row) => row.id],
  ['email', (row) => row.email],
  ['name', (row) => row.name],
  ['organisation', (row) => row.organisation],
  ['participant_type', (row) => row.participant_type],
  ['country', (row) => row.country],
  ['status', (row) => row.status],
  ['waitlist_position', (row) => (row.waitlist_position === null ? '' : String(row.waitlist_position))],
  ['topics', (row) => row.topics.join('; ')],
  ['profile', (row) => row.profile],
  ['registered_at_local', (row, zone) => DateTime.fromJSDate(row.created_at, { zone }).toFormat('yyyy-MM-dd HH:mm:ss')],
  ['registered_at_utc', (row) => row.created_at.toISOString()],
];

/** Spreadsheet apps execute cells starting with these; a leading apostrophe makes them text. */
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: string, delimiter: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /["\r\n]/.test(safe) || safe.includes(delimiter) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * RFC 4180 CSV that Excel opens correctly: UTF-8 with a byte-order mark (so
 * umlauts survive), CRLF line ends, every field quoted where needed.
 */
export function registrationsCsv(rows: RegistrationRow[], zone: string, delimiter = ','): string {
  const lines = [COLUMNS.map(([name]) => name), ...rows.map((row) => COLUMNS.map(([, read]) => read(row, zone)))];
  return '\uFEFF' + lines.map((values) => values.map((value) => cell(value, delimiter)).join(delimiter)).join('\r\n') + '\r\n';
}
