import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmlMailer } from '../../lib/adapters/email/emlMailer.js';
import { MailError, type MailMessage } from '../../lib/adapters/email/mailer.js';
import { SesMailer } from '../../lib/adapters/email/sesMailer.js';
import { SmtpMailer, SmtpUrlError } from '../../lib/adapters/email/smtpMailer.js';
import { startLocalSes, startSmtpSink, type LocalSes, type SmtpSink } from '../helpers/mailSinks.js';

const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0x00, 0xff, 0x80]);
const message: MailMessage = {
  from: 'kubeseg <kubeseg@example.com>',
  to: ['security@example.com', 'platform@example.com'],
  subject: 'kubeseg weekly: fleet 71 (C)',
  html: '<table><tr><td>Fleet score</td><td>71</td></tr></table>',
  text: 'Fleet score: 71',
  attachments: [{ filename: 'report.pdf', contentType: 'application/pdf', content: pdf }],
};

describe('SMTP', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());

  it('delivers the HTML and text parts and a byte-identical PDF attachment to every recipient', async () => {
    const sent = await new SmtpMailer(sink.url).send(message);
    expect(sent.where).toBe(sink.url);
    const mail = sink.received.at(-1)!;
    expect(mail.subject).toBe(message.subject);
    expect(mail.html).toContain('<td>71</td>');
    expect(mail.text?.trim()).toBe('Fleet score: 71');
    expect((Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a!.value.map((v) => v.address))).toEqual(message.to);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]!.filename).toBe('report.pdf');
    expect(Buffer.compare(mail.attachments[0]!.content, Buffer.from(pdf))).toBe(0);
  });

  it('logs in with the URL\'s user and password, and never names them when the send fails', async () => {
    await new SmtpMailer(sink.url.replace('smtp://', 'smtp://alice:s3cr%40t@')).send(message);
    const refusing = await startSmtpSink({ reject: 'mailbox unavailable' });
    try {
      const url = refusing.url.replace('smtp://', 'smtp://alice:s3cr%40t@');
      const failure = await new SmtpMailer(url).send(message).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(MailError);
      expect((failure as Error).message).toMatch(/^SMTP smtp:\/\/127\.0\.0\.1:\d+: .*mailbox unavailable/);
      expect((failure as Error).message).not.toMatch(/alice|s3cr/);
    } finally {
      await refusing.close();
    }
  });

  it('fails with the reason when nothing listens, and refuses a URL that is not smtp', async () => {
    const failure = await new SmtpMailer('smtp://127.0.0.1:1').send(message).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(MailError);
    expect((failure as Error).message).toMatch(/ECONNREFUSED/);
    expect(() => new SmtpMailer('http://mail.example.com')).toThrow(SmtpUrlError);
    expect(() => new SmtpMailer('not a url')).toThrow(SmtpUrlError);
  });
});

describe('SES v2 (aws-ses-v2-local, the real client)', () => {
  let ses: LocalSes;
  beforeAll(async () => {
    ses = await startLocalSes();
  });
  afterAll(() => ses.close());

  it('sends the raw MIME message: both parts, every recipient and the attachment', async () => {
    const sent = await new SesMailer(ses.client).send(message);
    expect(sent.where).toBe('SES');
    const stored = (await ses.store()).emails.at(-1)!;
    expect(stored.subject).toBe(message.subject);
    expect(stored.destination.to.join(',')).toContain('security@example.com');
    expect(stored.destination.to.join(',')).toContain('platform@example.com');
    expect(stored.body.html).toContain('<td>71</td>');
    expect(stored.body.text?.trim()).toBe('Fleet score: 71');
    expect(stored.attachments.map((a) => a.filename)).toEqual(['report.pdf']);
  });
});

describe('the .eml outbox', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'kubeseg-outbox-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('writes one complete message a mail client can open, and nothing else', async () => {
    const outbox = join(folder, 'outbox');
    const sent = await new EmlMailer(outbox, '2026-12-04T06-00-00Z-abcdef').send(message);
    expect(sent.where).toBe(join(outbox, '2026-12-04T06-00-00Z-abcdef.eml'));
    expect(await readdir(outbox)).toEqual(['2026-12-04T06-00-00Z-abcdef.eml']);
    const mail = await simpleParser(await readFile(sent.where));
    expect(mail.subject).toBe(message.subject);
    expect(mail.html).toContain('<td>71</td>');
    expect(Buffer.compare(mail.attachments[0]!.content, Buffer.from(pdf))).toBe(0);
  });

  it('fails with the path when the outbox cannot be written', async () => {
    const blocked = join(folder, 'file');
    await new EmlMailer(folder, 'file').send(message); // a file named file.eml, not a folder
    const failure = await new EmlMailer(join(folder, 'file.eml', 'sub'), 'x').send(message).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(MailError);
    expect((failure as Error).message).toContain(join(blocked + '.eml', 'sub'));
  });
});
