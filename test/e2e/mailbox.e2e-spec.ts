import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootApp, TestApp } from '../support/app';

describe('mailbox page (no SMTP_URL)', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'mailbox-'));

  beforeAll(async () => {
    writeFileSync(
      join(dir, '2027-01-01T10-00-00-000Z-registration_confirmed-aaaa.eml'),
      [
        'From: "Event" <no-reply@brokerage.localhost>',
        'To: =?UTF-8?Q?J=C3=BCrgen?= <j@example.org>',
        'Subject: =?UTF-8?B?QW5tZWxkdW5nIGLDvHJnZXJsaWNo?= <script>',
        'Content-Type: multipart/alternative; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Hallo J=C3=BCrgen, see =',
        'you <soon>',
        '--b--',
        '',
      ].join('\r\n'),
    );
    t = await bootApp({ MAILBOX_DIR: dir });
  });
  afterAll(() => t.close());

  it('lists messages with decoded, escaped headers and shows the text part', async () => {
    const list = await t.http.get('/mailbox');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Anmeldung bürgerlich &#60;script&#62;');
    expect(list.text).toContain('Jürgen &#60;j@example.org&#62;');
    const message = await t.http.get('/mailbox/2027-01-01T10-00-00-000Z-registration_confirmed-aaaa.eml');
    expect(message.status).toBe(200);
    expect(message.text).toContain('Hallo Jürgen, see you &#60;soon&#62;');
    expect((await t.http.get('/mailbox/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await t.http.get('/mailbox/missing.eml')).status).toBe(404);
  });

  it('does not exist when SMTP_URL is set', async () => {
    const smtp = await bootApp({ SMTP_URL: 'smtp://127.0.0.1:1' });
    try {
      expect((await smtp.http.get('/mailbox')).status).toBe(404);
    } finally {
      await smtp.close();
    }
  });
});
