/** How the CLI's runs send their email: an .eml in the outbox by default, SMTP with --smtp, SES with --ses. */
import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { EmlMailer } from '../adapters/email/emlMailer.js';
import type { Mailer } from '../adapters/email/mailer.js';
import { SesMailer } from '../adapters/email/sesMailer.js';
import { SmtpMailer } from '../adapters/email/smtpMailer.js';

export interface MailChoice {
  readonly smtp?: string;
  readonly ses: boolean;
  /** The local folder whose outbox/ receives the .eml files. */
  readonly out: string;
  readonly region?: string;
  readonly profile?: string;
}

/** Throws SmtpUrlError for a malformed --smtp URL. `runId` names the outbox file. */
export function chooseMailer(choice: MailChoice, runId: string): Mailer {
  if (choice.smtp !== undefined) return new SmtpMailer(choice.smtp);
  if (choice.ses) {
    return new SesMailer(new SESv2Client({
      ...(choice.region !== undefined && { region: choice.region }),
      ...(choice.profile !== undefined && { profile: choice.profile }),
    }));
  }
  return new EmlMailer(join(choice.out, 'outbox'), runId);
}
