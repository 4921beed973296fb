import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { bootApp, TestApp } from '../support/app';

const run = promisify(execFile);
const tsNode = [process.execPath, '-r', 'ts-node/register/transpile-only'] as const;

describe('command line', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('organiser:create prints a working API key alone on the last line', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'cli', '--', 'organiser:create', '--name', 'IHK Südthüringen'], { env: process.env });
    const key = stdout.trim().split('\n').pop()!;
    expect(key).toMatch(/^org_[A-Za-z0-9_-]{32}$/);
    const events = await t.http.get('/api/events').set('Authorization', `Bearer ${key}`);
    expect(events.status).toBe(200);
  });

  it('organiser:create without --name explains the usage', async () => {
    const failure = await run('npm', ['run', '--silent', 'cli', '--', 'organiser:create'], { env: process.env }).catch((error) => error);
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain('--name');
  });

  it('the service refuses to start on a malformed setting, with one line naming it', async () => {
    const failure = await run(tsNode[0], [...tsNode.slice(1), 'src/main.ts'], { env: { ...process.env, PORT: 'eighty' } }).catch((error) => error);
    expect(failure.code).toBe(1);
    expect(failure.stderr.trim()).toBe('Invalid configuration: PORT must be an integer number (got "eighty")');
  });
});
