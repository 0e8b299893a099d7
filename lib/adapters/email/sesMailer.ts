/** Sends through Amazon SES v2 (`SendEmail` with the raw MIME message), as the report function does. */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import nodemailer from 'nodemailer';
import { MailError, nodemailerMessage, reasonOf, type MailMessage, type Mailer, type SentMail } from './mailer.js';

export class SesMailer implements Mailer {
  constructor(private readonly client: SESv2Client) {}

  async send(message: MailMessage): Promise<SentMail> {
    const transport = nodemailer.createTransport({ SES: { sesClient: this.client, SendEmailCommand } });
    try {
      const info = await transport.sendMail(nodemailerMessage(message));
      return { messageId: info.messageId, where: 'SES' };
    } catch (err) {
      throw new MailError(`SES: ${reasonOf(err)}`);
    }
  }
}
