/** Local mail servers for tests: an SMTP sink (smtp-server, parsed with mailparser) and a local SES v2 (aws-ses-v2-local). */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  readonly url: string;
  readonly received: ParsedMail[];
  close(): Promise<void>;
}

/** `reject` makes the server refuse every message, as a full mailbox or a relay refusal does. */
export async function startSmtpSink(options: { readonly reject?: string } = {}): Promise<SmtpSink> {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onAuth: (_auth, _session, callback) => callback(null, { user: 'tester' }),
    onData(stream, _session, callback) {
      if (options.reject) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error(options.reject), { responseCode: 550 })));
        return;
      }
      simpleParser(stream).then((mail) => {
        received.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface LocalSes {
  readonly endpoint: string;
  readonly client: SESv2Client;
  /** The mails the server holds, as its `GET /store` answers. */
  store(): Promise<{ emails: SesStoredEmail[] }>;
  close(): Promise<void>;
}

export interface SesStoredEmail {
  readonly subject: string;
  readonly from: string;
  readonly destination: { readonly to: string[] };
  readonly body: { readonly text?: string; readonly html?: string };
  readonly attachments: { readonly filename: string; readonly contentType: string; readonly content: string }[];
}

export async function startLocalSes(): Promise<LocalSes> {
  // A CommonJS module whose default export is itself `{ default }` under Node, and the function under vitest.
  type Start = (options: object) => Promise<Server>;
  const loaded = (await import('aws-ses-v2-local')) as unknown as { default: Start | { default: Start } };
  const start = typeof loaded.default === 'function' ? loaded.default : loaded.default.default;
  const server = await start({ host: '127.0.0.1', port: 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SESv2Client({ region: 'eu-west-1', endpoint, credentials: { accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' } });
  return {
    endpoint, client,
    store: async () => (await fetch(`${endpoint}/store`)).json() as Promise<{ emails: SesStoredEmail[] }>,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
