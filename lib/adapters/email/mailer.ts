/**
 * How a run's email leaves: SES v2 in AWS and with `--ses`, SMTP with `--smtp URL`, or an `.eml`
 * file in an outbox folder by default. Each is a nodemailer transport behind one small interface; a
 * failure is a {@link MailError} whose message names the transport and the reason, never the
 * credentials of an SMTP URL.
 */
import type { SendMailOptions } from 'nodemailer';

export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Uint8Array;
}

export interface MailMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly attachments?: readonly MailAttachment[];
}

export interface SentMail {
  readonly messageId: string;
  /** Where it went, for the run's log: `SES`, `smtp://mail.example.com:25`, or the .eml file's path. */
  readonly where: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
}

export class MailError extends Error {
  override readonly name = 'MailError';
}

/** nodemailer's message options for ours: attachments as Buffers, no headers from elsewhere. */
export function nodemailerMessage(message: MailMessage): SendMailOptions {
  return {
    from: message.from,
    to: [...message.to],
    subject: message.subject,
    html: message.html,
    text: message.text,
    attachments: (message.attachments ?? []).map((a) => ({
      filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
    })),
  };
}

/** The first line of an error's message, for a MailError; SMTP servers' replies are one line anyway. */
export function reasonOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
}
