/**
 * The on-demand API behind API Gateway (HTTP API, payload 2.0). API Gateway authenticates the
 * /reports routes (IAM, or a JWT authorizer); the /links route has no authorizer and is checked by
 * its signature instead. The handler itself is lib/service/httpApi.ts, the same as `kubeseg serve`'s.
 */
import { randomBytes } from 'node:crypto';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { StepFunctionsStarter } from '../lib/adapters/aws/stepFunctionsStarter.js';
import { scopeProblemOf } from '../lib/core/run/scope.js';
import { handleApiRequest } from '../lib/service/httpApi.js';
import { linkSignerOf } from '../lib/service/linkKey.js';
import type { LinkSigner } from '../lib/service/signedLinks.js';
import { environmentOf, logger, logKeys, runtimeOf } from './runtime.js';

const httpEventSchema = z.object({
  rawPath: z.string(),
  headers: z.record(z.string(), z.string()).default({}),
  queryStringParameters: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().default(false),
  requestContext: z.object({
    http: z.object({ method: z.string() }),
    requestId: z.string().optional(),
    /** Present when an authorizer (IAM or JWT) let the request through. */
    authorizer: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** How long a presigned report URL lives: long enough to follow the redirect. */
const PRESIGNED_SECONDS = 300;

export async function handler(event: unknown): Promise<APIGatewayProxyResultV2> {
  const parsed = httpEventSchema.safeParse(event);
  if (!parsed.success) {
    logger.error('not an API Gateway v2 event', { issue: parsed.error.issues[0]?.message });
    return { statusCode: 400, headers: { 'content-type': 'application/json' }, body: '{ "error": "not an API Gateway request" }\n' };
  }
  const request = parsed.data;
  const env = environmentOf(process.env, { STATE_MACHINE_ARN: z.string().startsWith('arn:') });
  const runtime = runtimeOf(env);
  logKeys({ requestId: request.requestContext.requestId });
  const response = await handleApiRequest({
    method: request.requestContext.http.method,
    path: request.rawPath,
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
    query: request.queryStringParameters ?? {},
    body: request.body === undefined ? undefined : request.isBase64Encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body,
    authenticated: request.requestContext.authorizer !== undefined,
  }, {
    store: runtime.store,
    starter: new StepFunctionsStarter(sfn(env.AWS_REGION), env.STATE_MACHINE_ARN),
    now: () => new Date(),
    random: () => randomBytes(8),
    linkSeconds: PRESIGNED_SECONDS,
    links: (signer ??= await linkSignerOf(runtime.store)),
    // The fleet file is read only when a run is asked for.
    scopeProblem: async (scope) => scopeProblemOf(await runtime.fleet(), scope),
  });
  logger.info('answered', { method: request.requestContext.http.method, path: request.rawPath, status: response.status });
  const binary = typeof response.body !== 'string';
  return {
    statusCode: response.status, headers: { ...response.headers },
    body: binary ? Buffer.from(response.body).toString('base64') : response.body as string, isBase64Encoded: binary,
  };
}

let client: SFNClient | undefined;
let signer: LinkSigner | undefined;
const sfn = (region: string): SFNClient => (client ??= new SFNClient({ region }));
