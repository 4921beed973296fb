import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { SendMailOptions, Transporter } from 'nodemailer';
import { Env } from '../config/env';

/**
 * Hands messages to SMTP (SMTP_URL), or, with no SMTP configured, writes each
 * as an .eml file to MAILBOX_DIR so a newcomer sees exactly what participants
 * would receive.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly transport: Transporter;
  readonly mailboxDir?: string;

  constructor(env: Env) {
    if (env.SMTP_URL) {
      this.transport = nodemailer.createTransport({ url: env.SMTP_URL, pool: true, maxConnections: 4 } as never);
    } else {
      this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
      this.mailboxDir = resolve(env.MAILBOX_DIR);
    }
  }

  async send(message: SendMailOptions, fileName: string): Promise<void> {
    const info = await this.transport.sendMail(message);
    if (this.mailboxDir) {
      await mkdir(this.mailboxDir, { recursive: true });
      await writeFile(join(this.mailboxDir, `${fileName}.eml`), info.message as Buffer);
    }
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
