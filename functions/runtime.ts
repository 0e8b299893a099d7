/**
 * What every Lambda handler builds from its environment: the store on the service's bucket, the
 * fleet (its file in the bucket, else the deploy parameters), the mailer and the logger. The
 * member accounts' AWS clients are in fleetClients.ts, which only discover and collect load. The
 * handlers themselves only parse their event and call lib/service.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { SesMailer } from '../lib/adapters/email/sesMailer.js';
import { s3Client } from '../lib/adapters/storage/s3Client.js';
import { S3Store } from '../lib/adapters/storage/s3Store.js';
import type { ObjectStore } from '../lib/adapters/storage/objectStore.js';
import { fleetFromParameters } from '../lib/core/config/deployedFleet.js';
import { parseFleetConfig, type FleetConfig } from '../lib/core/config/fleetConfig.js';
import { runMail, type RunMail } from '../lib/service/reportRun.js';
import { StoredDocumentError } from '../lib/service/storedJson.js';

const environmentSchema = z.object({
  AWS_REGION: z.string().min(1),
  /** The service's bucket: runs, history, the fleet file and the link key. */
  BUCKET: z.string().min(1),
  /** Where the fleet file is in the bucket. */
  FLEET_CONFIG_KEY: z.string().min(1).default('config/fleet.yaml'),
  /** For tests against a local S3: its endpoint. */
  S3_ENDPOINT: z.url().optional(),
  // Without a fleet file, the deploy parameters (lib/core/config/deployedFleet.ts).
  FLEET_ACCOUNTS: z.string().optional(),
  FLEET_REGIONS: z.string().optional(),
  FLEET_ROLE_NAME: z.string().optional(),
  FLEET_EXTERNAL_ID: z.string().optional(),
  EMAIL_FROM: z.string().optional(),
  EMAIL_TO: z.string().optional(),
  /** For tests against a local SES v2 server: its endpoint. */
  SES_ENDPOINT: z.url().optional(),
});

export type Environment = z.infer<typeof environmentSchema>;

/** The environment, validated; a missing variable is named, its value never. */
export function environmentOf<S extends z.ZodRawShape>(env: NodeJS.ProcessEnv, extra: S): Environment & z.infer<z.ZodObject<S>> {
  const parsed = environmentSchema.extend(extra).safeParse(env);
  if (!parsed.success) throw new Error(`environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data as Environment & z.infer<z.ZodObject<S>>;
}

export const logger = new Logger({ serviceName: 'kubeseg' });

/** The keys every log line of this invocation carries; a warm container's earlier invocation's keys go first. */
export function logKeys(keys: Record<string, unknown>): void {
  logger.resetKeys();
  logger.appendKeys(keys);
}

export interface Runtime {
  readonly store: ObjectStore;
  fleet(): Promise<FleetConfig>;
  /** The fleet file's email section with SES, or undefined when it has none. */
  mail(config: FleetConfig): RunMail | undefined;
}

let cached: { readonly key: string; readonly runtime: Runtime } | undefined;

/**
 * The runtime of this environment, built once per container: a warm invocation reuses the S3 and
 * SES clients (and their keep-alive sockets). A different environment (tests) builds a new one.
 */
export function runtimeOf(env: Environment): Runtime {
  const key = JSON.stringify(Object.keys(environmentSchema.shape).map((name) => env[name as keyof Environment]));
  if (cached?.key !== key) cached = { key, runtime: buildRuntime(env) };
  return cached.runtime;
}

function buildRuntime(env: Environment): Runtime {
  const store = new S3Store({
    client: s3Client({ region: env.AWS_REGION, ...(env.S3_ENDPOINT !== undefined && { endpoint: env.S3_ENDPOINT }) }), bucket: env.BUCKET,
  });
  let ses: SESv2Client | undefined;
  return {
    store,
    async fleet() {
      const object = await store.get(env.FLEET_CONFIG_KEY);
      if (!object) {
        const deployed = fleetFromParameters(env);
        if (deployed) return deployed;
        throw new StoredDocumentError(`${store.location}${env.FLEET_CONFIG_KEY}: no fleet file, and no accounts parameter; deploy with one or upload the file (see the README's deploy section)`);
      }
      return parseFleetConfig(Buffer.from(object.body).toString('utf8'), `${store.location}${env.FLEET_CONFIG_KEY}`);
    },
    mail(config) {
      if (!config.email) return undefined;
      ses ??= new SESv2Client({ region: env.AWS_REGION, ...(env.SES_ENDPOINT !== undefined && { endpoint: env.SES_ENDPOINT }) });
      return runMail(new SesMailer(ses), config.email);
    },
  };
}
