/**
 * "Sends" by writing the message as an `.eml` file into an outbox folder (`./reports/outbox/` by
 * default): a mail client opens it, and nothing leaves the machine. The file is written atomically.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import { MailError, nodemailerMessage, reasonOf, type MailMessage, type Mailer, type SentMail } from './mailer.js';

export class EmlMailer implements Mailer {
  private readonly folder: string;

  /** `name` is the file's name without `.eml`: the run id. */
  constructor(folder: string, private readonly name: string) {
    this.folder = resolve(folder);
  }

  async send(message: MailMessage): Promise<SentMail> {
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'crlf' });
    const path = join(this.folder, `${this.name}.eml`);
    try {
      const info = await transport.sendMail(nodemailerMessage(message));
      await mkdir(this.folder, { recursive: true });
      const temp = join(this.folder, `.${this.name}.${randomBytes(4).toString('hex')}.tmp`);
      await writeFile(temp, info.message as Buffer);
      await rename(temp, path);
      return { messageId: info.messageId, where: path };
    } catch (err) {
      throw new MailError(`outbox ${path}: ${reasonOf(err)}`);
    }
  }
}
