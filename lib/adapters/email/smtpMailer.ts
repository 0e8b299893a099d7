/** Sends through an SMTP server given as a URL: `smtp://host:587`, `smtps://user:password@host:465`. */
import nodemailer from 'nodemailer';
import { MailError, nodemailerMessage, reasonOf, type MailMessage, type Mailer, type SentMail } from './mailer.js';

export class SmtpUrlError extends Error {
  override readonly name = 'SmtpUrlError';
}

/** Seconds before an unresponsive server fails the send. */
const TIMEOUT_MS = 30_000;

export class SmtpMailer implements Mailer {
  /** `smtp://host:port`: what messages say, without the user name or password. */
  readonly where: string;
  private readonly url: URL;

  constructor(url: string) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new SmtpUrlError('--smtp: not a URL; expected smtp://host:port or smtps://user:password@host:port');
    }
    if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new SmtpUrlError('--smtp: the URL must start with smtp:// or smtps://');
    if (!parsed.hostname) throw new SmtpUrlError('--smtp: the URL names no host');
    this.url = parsed;
    this.where = `${parsed.protocol}//${parsed.host}`;
  }

  async send(message: MailMessage): Promise<SentMail> {
    const secure = this.url.protocol === 'smtps:';
    const transport = nodemailer.createTransport({
      host: this.url.hostname,
      port: this.url.port ? Number(this.url.port) : secure ? 465 : 587,
      secure,
      ...(this.url.username && { auth: { user: decodeURIComponent(this.url.username), pass: decodeURIComponent(this.url.password) } }),
      connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS,
    });
    try {
      const info = await transport.sendMail(nodemailerMessage(message));
      return { messageId: info.messageId, where: this.where };
    } catch (err) {
      throw new MailError(`SMTP ${this.where}: ${reasonOf(err)}`);
    } finally {
      transport.close();
    }
  }
}
