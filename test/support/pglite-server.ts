import { ChildProcess, spawn } from 'node:child_process';
import { startEmbeddedPostgres } from '../../src/dev-services/dev-services';

/**
 * An in-memory PGlite behind our wire-protocol server, in a child process: PGlite loads
 * its WebAssembly with a dynamic import, which Jest's module sandbox refuses.
 */
export async function startPgliteServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^(postgres:\/\/\S+)$/m.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`PGlite server exited with ${code}: ${output}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (require.main === module) {
  void startEmbeddedPostgres().then((postgres) => {
    process.stdout.write(`${postgres.url}\n`);
    process.once('SIGTERM', () => void postgres.stop().finally(() => process.exit(0)));
  });
}
