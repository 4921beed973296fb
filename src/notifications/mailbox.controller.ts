import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ApiError } from '../common/api-error';
import { Mailer } from './mailer';

const LISTED = 500;

/**
 * Without SMTP_URL, emails are .eml files in MAILBOX_DIR; this page lists and
 * shows them so a newcomer sees exactly what participants would receive.
 * With SMTP configured it does not exist (404): the files are not written then.
 */
@ApiExcludeController()
@Controller('mailbox')
export class MailboxController {
  constructor(private readonly mailer: Mailer) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async list(): Promise<string> {
    const dir = this.mailboxDir();
    const files = (await readdir(dir).catch(() => [] as string[])).filter(isMessageFile).sort().reverse();
    const rows = await Promise.all(
      files.slice(0, LISTED).map(async (file) => {
        const headers = parseHeaders(await readStart(join(dir, file)));
        return `<tr><td>${escape(headers.date ?? '')}</td><td>${escape(headers.to ?? '')}</td><td><a href="/mailbox/${encodeURIComponent(file)}">${escape(headers.subject || '(no subject)')}</a></td></tr>`;
      }),
    );
    const more = files.length > LISTED ? `<p>Newest ${LISTED} of ${files.length} shown; all are in ${escape(dir)}</p>` : '';
    return page(
      `Mailbox (${files.length})`,
      `<p>Emails are not sent: SMTP_URL is unset, so each is written to ${escape(dir)}.</p>${more}` +
        `<table><tr><th>Date</th><th>To</th><th>Subject</th></tr>${rows.join('')}</table>`,
    );
  }

  @Get(':file')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async show(@Param('file') file: string): Promise<string> {
    if (!isMessageFile(file)) throw ApiError.notFound('Email');
    const raw = (await readFile(join(this.mailboxDir(), file), 'utf8').catch(() => undefined))?.replace(/\r\n/g, '\n');
    if (raw === undefined) throw ApiError.notFound('Email');
    const headers = parseHeaders(raw);
    const text = textPart(raw);
    return page(
      headers.subject ?? file,
      `<p><a href="/mailbox">← mailbox</a> · <a href="#raw">raw</a></p><table>` +
        ['from', 'to', 'reply-to', 'date'].map((name) => `<tr><th>${name}</th><td>${escape(headers[name] ?? '')}</td></tr>`).join('') +
        `</table><pre>${escape(text ?? '(no text part)')}</pre><h2 id="raw">Raw message</h2><pre>${escape(raw)}</pre>`,
    );
  }

  private mailboxDir(): string {
    if (!this.mailer.mailboxDir) throw ApiError.notFound('Mailbox');
    return this.mailer.mailboxDir;
  }
}

function isMessageFile(file: string): boolean {
  return /^[A-Za-z0-9_.-]+\.eml$/.test(file) && !file.startsWith('.');
}

async function readStart(path: string): Promise<string> {
  const handle = await open(path);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').replace(/\r\n/g, '\n');
  } finally {
    await handle.close();
  }
}

function parseHeaders(raw: string): Record<string, string | undefined> {
  const block = raw.split('\n\n')[0].replace(/\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] ??= decodeWords(line.slice(colon + 1).trim());
  }
  return headers;
}

/** RFC 2047 encoded words (nodemailer encodes non-ASCII names and subjects). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_word, _charset, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function textPart(raw: string): string | undefined {
  const match = /(?:^|\n)Content-Type: text\/plain[^\n]*\n((?:[^\n]+\n)*)\n([\s\S]*?)(?:\n--|$)/i.exec(raw);
  if (!match) return undefined;
  const encoding = /Content-Transfer-Encoding:\s*(\S+)/i.exec(match[1])?.[1].toLowerCase();
  if (encoding === 'base64') return Buffer.from(match[2], 'base64').toString('utf8');
  return encoding === 'quoted-printable' ? decodeQuotedPrintable(match[2].replace(/=\n/g, '')) : match[2];
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const hex = text[index] === '=' ? text.slice(index + 1, index + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(text[index], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escape(title)}</title>` +
    `<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:left;vertical-align:top}pre{white-space:pre-wrap}</style>` +
    `</head><body><h1>${escape(title)}</h1>${body}</body></html>`;
}
