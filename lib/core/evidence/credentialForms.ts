/**
 * Credentials recognised by their form, whatever the key that holds them: cloud access key ids,
 * private keys, JWTs, the prefixed tokens of well-known services, and URLs or connection strings
 * with a password. The evidence sanitiser runs these over values before it drops them, so a
 * snapshot records only the key and the form's name, never the value.
 *
 * Each form is anchored on something a random string or a setting does not have (a fixed prefix
 * and length, a PEM header, a base64url JSON header): a value is never flagged for merely holding a
 * word such as "key", "token" or "jwt".
 */

export interface CredentialForm {
  /** Kebab-case, as findings name it: `aws-access-key-id`. */
  readonly name: string;
  /** For messages: "an AWS access key id". */
  readonly description: string;
  readonly pattern: RegExp;
}

/** Not preceded or followed by a character a token could continue with. */
const START = '(?<![A-Za-z0-9_-])';
const END = '(?![A-Za-z0-9_-])';
const token = (body: string): RegExp => new RegExp(`${START}${body}${END}`);

export const CREDENTIAL_FORMS: readonly CredentialForm[] = [
  { name: 'aws-access-key-id', description: 'an AWS access key id', pattern: token('(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}') },
  { name: 'private-key', description: 'a private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  {
    name: 'jwt', description: 'a JSON Web Token',
    // Header and payload are base64url JSON objects, so both start `eyJ` (`{"`); the signature is required.
    pattern: token('eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}'),
  },
  { name: 'github-token', description: 'a GitHub token', pattern: token('(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{60,251})') },
  { name: 'gitlab-token', description: 'a GitLab token', pattern: token('gl(?:pat|dt|rt|ptt|cbt)-[A-Za-z0-9_-]{20,}') },
  { name: 'slack-token', description: 'a Slack token', pattern: token('xox[abposr]-[0-9]{6,}-[A-Za-z0-9-]{6,}') },
  { name: 'slack-webhook', description: 'a Slack webhook URL', pattern: /hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/ },
  { name: 'stripe-key', description: 'a Stripe secret key', pattern: token('(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}') },
  { name: 'google-api-key', description: 'a Google API key', pattern: token('AIza[0-9A-Za-z_-]{35}') },
  { name: 'npm-token', description: 'an npm token', pattern: token('npm_[A-Za-z0-9]{36}') },
  { name: 'openai-api-key', description: 'an OpenAI API key', pattern: token('sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})') },
  { name: 'anthropic-api-key', description: 'an Anthropic API key', pattern: token('sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{20,}') },
  { name: 'huggingface-token', description: 'a Hugging Face token', pattern: token('hf_[A-Za-z0-9]{34,}') },
  { name: 'sendgrid-api-key', description: 'a SendGrid API key', pattern: token('SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}') },
  { name: 'vault-token', description: 'a HashiCorp Vault token', pattern: token('hv[sbr]\\.[A-Za-z0-9_-]{24,}') },
  { name: 'azure-storage-key', description: 'an Azure storage account key', pattern: /AccountKey=[A-Za-z0-9+/]{40,}={0,2}/ },
  {
    name: 'url-with-password', description: 'a URL with a password',
    // The password may not be a reference that Kubernetes or a template fills in: $(VAR), ${VAR}, {{ .x }}, <password>.
    // The scheme starts where no scheme character precedes it, which keeps the search linear.
    pattern: /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:(?![$<{%*])[^\s/@]+@/i,
  },
  {
    name: 'connection-string-password', description: 'a connection string with a password',
    // `Server=db;Password=…`: a `Password=` (or `Pwd=`) setting among others, after a semicolon or
    // first and followed by one (`Password=x` alone is the key name's business, not a form's).
    pattern: /;\s*(?:password|pwd)\s*=\s*(?![$<{%*;\s])[^;]|^\s*(?:password|pwd)\s*=\s*(?![$<{%*;\s])[^;]+;/i,
  },
];

/** The first form the value has, or undefined. */
export function credentialFormOf(value: string): CredentialForm | undefined {
  return CREDENTIAL_FORMS.find((f) => f.pattern.test(value));
}

/** A form by its name (a snapshot records names only). */
export function credentialFormNamed(name: string): CredentialForm | undefined {
  return CREDENTIAL_FORMS.find((f) => f.name === name);
}
