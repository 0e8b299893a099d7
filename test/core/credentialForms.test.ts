/**
 * Credentials by form: each form finds its own shape, wherever it sits in a value, and none fires
 * on the near-misses a well-run cluster is full of (words such as "key" or "jwt", settings,
 * references that Kubernetes fills in, truncated or placeholder tokens). The sample tokens are
 * built at run time and are not real.
 */
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_FORMS, credentialFormOf } from '../../lib/core/evidence/credentialForms.js';

const rep = (chars: string, n: number): string => chars.repeat(Math.ceil(n / chars.length)).slice(0, n);
const b64url = (json: object): string => Buffer.from(JSON.stringify(json)).toString('base64url');
const JWT = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ sub: 'system:serviceaccount:shop:web', iss: 'kubernetes' })}.${rep('Sig0_-x', 43)}`;

const FOUND: readonly [string, string][] = [
  ['aws-access-key-id', `AKIA${rep('Q7ZX', 16)}`],
  ['aws-access-key-id', `aws_access_key_id=ASIA${rep('B3CD', 16)}`],
  ['private-key', `-----BEGIN RSA PRIVATE KEY-----\n${rep('MIIE', 64)}\n-----END RSA PRIVATE KEY-----`],
  ['private-key', '-----BEGIN OPENSSH PRIVATE KEY-----'],
  ['private-key', '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\\nMIIE"}'],
  ['jwt', JWT],
  ['jwt', `Authorization: Bearer ${JWT}`],
  ['github-token', `ghp_${rep('aB3d', 36)}`],
  ['github-token', `https://x-access-token:ghs_${rep('Zq9', 36)}@github.example/org/repo.git`],
  ['github-token', `github_pat_${rep('11AB_cd9', 82)}`],
  ['gitlab-token', `glpat-${rep('x1Y-', 20)}`],
  ['slack-token', `xoxb-123456789012-${rep('a1B2', 24)}`],
  ['slack-webhook', `https://hooks.slack.com/services/T0123ABCD/B0456EFGH/${rep('aZ09', 24)}`],
  ['stripe-key', `sk_live_${rep('4eC39HqLyjWD', 24)}`],
  ['google-api-key', `AIza${rep('SyA-9_x', 35)}`],
  ['npm-token', `npm_${rep('aB1', 36)}`],
  ['openai-api-key', `sk-proj-${rep('Ab3_-', 48)}`],
  ['anthropic-api-key', `sk-ant-api03-${rep('Xy7_-', 40)}`],
  ['huggingface-token', `hf_${rep('AbCd1', 34)}`],
  ['sendgrid-api-key', `SG.${rep('a1_-', 22)}.${rep('Bb2_', 43)}`],
  ['vault-token', `hvs.${rep('CAESI', 90)}`],
  ['azure-storage-key', `DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=${rep('Ab3+/', 86)}==;EndpointSuffix=core`],
  ['url-with-password', 'postgresql://app:s3cr3t-Pa55@db.shop.svc:5432/app'],
  ['url-with-password', 'amqp://guest:guest@rabbitmq:5672/'],
  ['connection-string-password', 'Server=db;Database=shop;User Id=app;Password=hunter2;'],
  ['connection-string-password', 'Host=db; Username=app; Pwd=hunter2'],
];

/** Values that must not be flagged: words, settings, references, identifiers and truncated or placeholder tokens. */
const NOT_FOUND: readonly string[] = [
  'key', 'jwt', 'token', 'api-key', 'use-jwt-auth', 'JWT_AUDIENCE=shop', 'Bearer', 'password', 'Password=', 'changeme',
  'true', '8080', 'AKIA', `AKIA${rep('Q7ZX', 12)}`, `XAKIA${rep('Q7ZX', 16)}`, `akia${rep('q7zx', 16)}`,
  '-----BEGIN CERTIFICATE-----', '-----BEGIN PUBLIC KEY-----', 'ssh-rsa AAAAB3NzaC1yc2E user@host',
  `${b64url({ alg: 'none' })}.${b64url({ sub: 'x' })}.`, 'eyJhbGciOiJIUzI1NiJ9', 'eyJ.eyJ.sig',
  'ghp_short', `ghp_${rep('a', 20)}`, 'github.com/org/repo', 'xoxb-', 'sk_live_', 'sk-1234', 'sk-proj-x',
  'AIzaShort', 'npm_install', 'hf_hub_cache', 'SG.abc.def', 'hvs.short',
  'https://shop.example/login', 'https://user@host/path', 'postgresql://app:$(DB_PASSWORD)@db:5432/app',
  'postgresql://app:${DB_PASSWORD}@db:5432/app', 'redis://:{{ .Values.password }}@redis:6379', 'mysql://app:<password>@db/app',
  'http://localhost:8080', 'Password=hunter2', 'Password=$(DB_PASSWORD);Server=db', 'Server=db;Password=;Database=x',
  'arn:aws:iam::123456789012:role/shop-web', 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  '0123456789abcdef0123456789abcdef', 'c2VjcmV0', rep('A1b2C3d4', 64),
];

describe('credentials by form', () => {
  it.each(FOUND)('finds %s in its own shape', (form, value) => {
    expect(credentialFormOf(value)?.name).toBe(form);
  });

  it.each(NOT_FOUND)('does not flag %j', (value) => {
    expect(credentialFormOf(value)?.name).toBeUndefined();
  });

  it('has a sample for every form, and each form a unique kebab-case name and a description', () => {
    const names = CREDENTIAL_FORMS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(FOUND.map(([form]) => form))).toEqual(new Set(names));
    for (const f of CREDENTIAL_FORMS) {
      expect(f.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(f.description).toMatch(/^an? /);
    }
  });

  it('stays linear on long hostile values (no catastrophic backtracking)', () => {
    const hostile = ['Password='.repeat(20_000), `${'a:'.repeat(50_000)}@`, `eyJ${'a'.repeat(100_000)}.`, ';'.repeat(100_000), `${'x://a:b'.repeat(20_000)}`,
      'AKIA'.repeat(30_000), `-----BEGIN ${'A '.repeat(50_000)}`, 'eyJ.'.repeat(30_000), `${'; pwd = '.repeat(20_000)}`, 'ghp_'.repeat(30_000)];
    const start = performance.now();
    for (const value of hostile) credentialFormOf(value);
    // Generous: a backtracking pattern takes minutes on these, a linear one milliseconds.
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});
