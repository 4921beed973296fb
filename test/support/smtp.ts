import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on loopback that keeps every message it accepts, parsed with a real MIME parser. */
export class TestSmtp {
  readonly messages: ParsedMail[] = [];
  private server?: SMTPServer;
  port = 0;
  /** Recipients the server refuses permanently (550). */
  readonly reject = new Set<string>();

  async start(port = 0): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.reject.has(address.address.toLowerCase())) {
          const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 });
          return callback(error);
        }
        callback();
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream).then((parsed) => {
          this.messages.push(parsed);
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = ((this.server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): ParsedMail[] {
    return this.messages.filter((message) => (Array.isArray(message.to) ? message.to : [message.to]).some((to) => to?.value.some((v) => v.address === address)));
  }

  async waitFor(count: number, timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${this.messages.length}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
