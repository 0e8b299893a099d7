/**
 * The deployment as CloudFormation: `osls package` (offline, as .ci/run runs it) with the default
 * parameters and with a JWT authorizer, and assertions on the generated template: the bucket's
 * protections, the state machine (validated with asl-validator, and the very definition the
 * pipeline test runs), the schedule, the API's authorizers and throttling, and IAM with no wildcard
 * beyond read-only Describe/List. Then the packaged report function runs from its zip, with no
 * node_modules beside it, against s3rver: the bundle finds its templates, fonts and pdfkit data.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import aslValidator from 'asl-validator';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { startLocalS3, type LocalS3 } from '../helpers/localS3.js';
import { loadDefinition } from '../helpers/stateMachine.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a template is untyped JSON; the assertions check its shape
type Json = any;
interface Resource {
  Type: string;
  Properties: Record<string, Json>;
}
interface Template {
  Resources: Record<string, Resource>;
}

let work: string;
const templates: Record<'iam' | 'jwt', Template> = {} as never;

/** `osls package` into a folder of its own; the parameters as `--param` gives them. */
async function packageService(name: string, params: string[]): Promise<string> {
  const out = join(work, name);
  await run('npx', ['osls', 'package', '--package', out, ...params.flatMap((p) => ['--param', p])], {
    cwd: ROOT, timeout: 240_000, env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', SLS_TELEMETRY_DISABLED: '1' },
  });
  return out;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kubeseg-package-'));
  // One after the other: serverless-esbuild builds in the project's .esbuild folder.
  const iam = await packageService('iam', []);
  const jwt = await packageService('jwt', ['auth=jwt', 'jwtIssuer=https://login.example.com/tenant/', 'jwtAudience=kubeseg-api']);
  templates.iam = JSON.parse(readFileSync(join(iam, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  templates.jwt = JSON.parse(readFileSync(join(jwt, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ofType = (template: Template, type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const one = (template: Template, type: string): Resource => {
  const found = ofType(template, type);
  expect(found, type).toHaveLength(1);
  return found[0]![1];
};

/** The state machine's definition, its `${…}` placeholders replaced by what they stand for. */
function definitionOf(template: Template): Record<string, Json> {
  const [text, substitutions] = one(template, 'AWS::StepFunctions::StateMachine').Properties.DefinitionString['Fn::Sub'] as [string, Record<string, Json>];
  const resolved = text.replace(/\$\{(\w+)\}/g, (_, key: string) => {
    const value = substitutions[key];
    return value.Ref ?? `arn:aws:lambda:eu-west-1:111122223333:function:${value['Fn::GetAtt'][0]}`;
  });
  return JSON.parse(resolved) as Record<string, Json>;
}

describe('the CloudFormation of `osls package`', () => {
  it('keeps the bucket encrypted, private, TLS-only and versioned, and expires only runs and idempotency records', () => {
    const bucket = templates.iam.Resources.ReportsBucket!.Properties;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const expiring = (bucket.LifecycleConfiguration.Rules as { Prefix?: string; ExpirationInDays?: number }[]).filter((r) => r.ExpirationInDays !== undefined);
    expect(expiring.map((r) => r.Prefix).sort()).toEqual(['idempotency/', 'runs/']);
    const policy = templates.iam.Resources.ReportsBucketPolicy!;
    expect(policy.Properties.Bucket).toEqual({ Ref: 'ReportsBucket' });
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      Resource: [{ 'Fn::GetAtt': ['ReportsBucket', 'Arn'] }, { 'Fn::Sub': '${ReportsBucket.Arn}/*' }],
    }));
  });

  it('deploys a valid state machine: Discover, a Distributed Map over the S3 item list with a Catch per cluster, Report; the definition the pipeline test runs', () => {
    const definition = definitionOf(templates.iam);
    const validation = aslValidator(definition);
    expect(validation.errors).toEqual([]);
    expect(validation.isValid).toBe(true);
    const map = definition.States.CollectClusters;
    expect(map).toMatchObject({
      Type: 'Map', MaxConcurrency: 40, ResultPath: null,
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'ReportsBucket', 'Key.$': '$.itemsKey' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' } },
    });
    expect(map.ItemProcessor.States.CollectCluster.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }]);
    for (const state of ['Discover', 'Report']) expect(definition.States[state].Catch[0].ErrorEquals).toEqual(['States.ALL']);
    // Apart from what the plugin adds (QueryLanguage) and the function ARNs, it is infra/state-machine.yml.
    const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'QueryLanguage' ? undefined
      : k === 'Resource' && typeof v === 'string' && v.includes(':lambda:') ? v.split(':function:')[1]!.replace('LambdaFunction', '').toLowerCase()
        : k === 'Resource' && typeof v === 'object' && v && 'Fn::GetAtt' in v ? (v as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]
          : k === 'Bucket' && typeof v === 'object' && v && 'Ref' in v ? (v as { Ref: string }).Ref : v)));
    expect(strip(definition)).toEqual(strip(loadDefinition()));
  });

  it('schedules the run weekly with EventBridge Scheduler, in a time zone, passing the scheduled time', () => {
    const schedule = one(templates.iam, 'AWS::Scheduler::Schedule').Properties;
    expect(schedule).toMatchObject({ ScheduleExpression: 'cron(0 6 ? * MON *)', ScheduleExpressionTimezone: 'UTC', State: 'ENABLED' });
    expect(JSON.parse(schedule.Target.Input as string)).toEqual({ trigger: 'schedule', scheduledTime: '<aws.scheduler.scheduled-time>' });
    const machineName = one(templates.iam, 'AWS::StepFunctions::StateMachine').Properties.StateMachineName as string;
    expect(schedule.Target.Arn['Fn::Sub']).toMatch(new RegExp(`:stateMachine:${machineName}$`));
  });

  it('authorizes the /reports routes with IAM by default, or a JWT authorizer when asked; the /links route by its signature only; throttled', () => {
    const routes = (template: Template) => Object.fromEntries(ofType(template, 'AWS::ApiGatewayV2::Route')
      .map(([, r]) => [r.Properties.RouteKey as string, r.Properties.AuthorizationType as string | undefined]));
    expect(routes(templates.iam)).toEqual({
      'POST /reports': 'AWS_IAM', 'GET /reports/{id}': 'AWS_IAM', 'GET /reports/{id}/{format}': 'AWS_IAM', 'GET /links/{id}/{format}': undefined,
    });
    expect(routes(templates.jwt)).toEqual({
      'POST /reports': 'JWT', 'GET /reports/{id}': 'JWT', 'GET /reports/{id}/{format}': 'JWT', 'GET /links/{id}/{format}': undefined,
    });
    expect(ofType(templates.iam, 'AWS::ApiGatewayV2::Authorizer')).toHaveLength(0);
    expect(one(templates.jwt, 'AWS::ApiGatewayV2::Authorizer').Properties).toMatchObject({
      AuthorizerType: 'JWT', JwtConfiguration: { Issuer: 'https://login.example.com/tenant/', Audience: ['kubeseg-api'] },
    });
    expect(one(templates.iam, 'AWS::ApiGatewayV2::Stage').Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
  });

  it('runs every function on nodejs22.x arm64 under its own role', () => {
    const functions = ofType(templates.iam, 'AWS::Lambda::Function').map(([, r]) => r.Properties);
    expect(functions.map((f) => f.FunctionName).sort()).toEqual(['kubeseg-prod-collect', 'kubeseg-prod-discover', 'kubeseg-prod-http', 'kubeseg-prod-report']);
    for (const f of functions) expect(f).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    expect(new Set(functions.map((f) => f.Role['Fn::GetAtt'][0])).size).toBe(4);
  });

  it('grants no wildcard action, and a wildcard resource only to read-only Describe/List calls', () => {
    const statements = [...ofType(templates.iam, 'AWS::IAM::Role'), ...ofType(templates.iam, 'AWS::IAM::ManagedPolicy')].flatMap(([name, r]) => [
      ...(r.Properties.PolicyDocument?.Statement ?? []),
      ...((r.Properties.Policies ?? []) as { PolicyDocument: { Statement: unknown[] } }[]).flatMap((p) => p.PolicyDocument.Statement),
    ].map((s) => ({ name, ...(s as { Effect: string; Action: string | string[]; Resource: unknown }) })));
    expect(statements.length).toBeGreaterThan(15);
    for (const s of statements) {
      const actions = ([] as string[]).concat(s.Action);
      expect(s.Effect, s.name).toBe('Allow');
      for (const action of actions) expect(action, s.name).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      if (JSON.stringify(s.Resource).includes('"*"') || s.Resource === '*') {
        for (const action of actions) expect(action, s.name).toMatch(/^(ec2|eks|organizations):(Describe|List)[A-Za-z]+$/);
      }
      if (actions.includes('sts:AssumeRole')) expect(s.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/KubesegReader' });
      for (const action of actions.filter((a) => a.startsWith('s3:'))) expect(JSON.stringify(s.Resource), action).toContain('ReportsBucket');
    }
  });
});

describe('the packaged report function', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
  });
  afterAll(() => s3.close());

  it('runs from its zip with no node_modules, started through its exec wrapper: the stored run is scored, rendered (HTML, PDF) and recorded', async () => {
    // Prepare: a run of one demo cluster, as discover and collect would have stored it.
    const runId = '2026-12-04T10-00-00-000Z-bundled1';
    const [snapshot] = await loadSnapshots([join(DEMO_FLEET, 'payments-prod')], 'demo', new DiagnosticList());
    const put = (key: string, body: unknown) => s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: JSON.stringify(body) }));
    await put(`runs/${runId}/request.json`, { runId, trigger: 'api', scope: {}, startedAt: '2026-12-04T10:00:00.000Z' });
    await put(`runs/${runId}/items.json`, []);
    await put(`runs/${runId}/snapshots/00000.json`, snapshot);
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'config/fleet.yaml', Body: 'accounts: { source: current }\n' }));
    const bundle = join(work, 'bundle');
    await run('unzip', ['-q', join(work, 'iam', 'report.zip'), '-d', bundle]);
    const main = join(bundle, 'invoke.mjs');
    writeFileSync(main, `import { handler } from './functions/report.mjs';\nconsole.log(JSON.stringify(process.execArgv));\n`
      + `console.log(JSON.stringify(await handler({ runId: '${runId}' })));\n`);

    // Act: started through the exec wrapper the function's environment names, as Lambda starts it.
    const wrapper = (templates.iam.Resources.ReportLambdaFunction!.Properties.Environment.Variables as Record<string, string>).AWS_LAMBDA_EXEC_WRAPPER!;
    expect(wrapper).toBe('/var/task/functions/v8-flags.sh');
    const { stdout } = await run(join(bundle, wrapper.replace('/var/task/', '')), [process.execPath, main], {
      cwd: bundle, timeout: 60_000,
      env: {
        PATH: process.env.PATH, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', BUCKET: s3.bucket,
        S3_ENDPOINT: s3.endpoint, API_BASE_URL: 'https://api.example.com', POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
    });

    // Assess
    const [execArgv, result] = stdout.trim().split('\n').slice(-2).map((line) => JSON.parse(line) as unknown);
    expect(execArgv).toEqual(['--single-threaded-gc']);
    expect(result).toEqual({ runId, status: 'done' });
    const object = async (key: string) => Buffer.from(await (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body!.transformToByteArray());
    const pdf = await object(`runs/${runId}/report.pdf`);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    expect((await object(`runs/${runId}/report.html`)).toString()).toContain('payments-prod');
    expect(JSON.parse((await object(`runs/${runId}/status.json`)).toString())).toMatchObject({ status: 'done', clusters: [{ name: 'payments-prod' }] });
  }, 90_000);
});

/** The IAM actions of the AWS SDK commands lib/adapters/aws sends with a client of `pkg` (not counting grant-access, which a person runs). */
function actionsUsed(pkg: string, prefix: string): string[] {
  const dir = join(ROOT, 'lib/adapters/aws');
  const actions = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'grantAccess.ts').flatMap((file) => {
    const imports = readFileSync(join(dir, file), 'utf8').matchAll(new RegExp(`import \\{([^}]+)\\} from '${pkg}'`, 'g'));
    return [...imports].flatMap((m) => m[1]!.split(',').map((n) => n.trim()).filter((n) => /^\w+Command$/.test(n)));
  }).map((command) => `${prefix}:${command.replace(/Command$/, '')}`);
  return [...new Set(actions)].sort();
}

describe('infra/member-role.yaml', () => {
  const template = parse(readFileSync(join(ROOT, 'infra/member-role.yaml'), 'utf8')) as Template & { Parameters: Record<string, Json> };
  const role = template.Resources.ReaderRole!.Properties;
  const actions = role.Policies[0].PolicyDocument.Statement.flatMap((s: { Action: string[] }) => s.Action) as string[];

  it('trusts only the hub\'s kubeseg roles, and only with the ExternalId', () => {
    const [trust] = role.AssumeRolePolicyDocument.Statement;
    expect(trust).toEqual({
      Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' } }, Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } },
        ArnLike: { 'aws:PrincipalArn': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:role/${TrustedRoleNames}' } },
      },
    });
    expect(template.Parameters.ExternalId.NoEcho).toBe(true);
    expect(template.Parameters.TrustedRoleNames.Default).toBe('kubeseg-*');
    // The pattern covers the deployment's discover and collect roles, and not its report or http roles.
    const names = Object.fromEntries(['DiscoverRole', 'CollectRole', 'ReportRole', 'HttpRole']
      .map((r) => [r, (templates.iam.Resources[r]!.Properties.RoleName?.['Fn::Sub'] as string | undefined)?.replace('${AWS::Region}', 'eu-west-1')]));
    expect(names).toEqual({ DiscoverRole: 'kubeseg-prod-eu-west-1-discover', CollectRole: 'kubeseg-prod-eu-west-1-collect', ReportRole: undefined, HttpRole: undefined });
  });

  it('grants exactly the read-only calls the collector makes in a member account, all of which the hub roles hold too', () => {
    expect(actions).toEqual([...actionsUsed('@aws-sdk/client-ec2', 'ec2'), ...actionsUsed('@aws-sdk/client-eks', 'eks')]);
    for (const action of actions) expect(action).toMatch(/^(ec2|eks):(Describe|List)[A-Za-z]+$/);
    const hub = templates.iam.Resources.FleetRead!.Properties.PolicyDocument.Statement.find((s: { Sid: string }) => s.Sid === 'ReadOnlyDescribeList').Action as string[];
    expect(hub).toEqual(expect.arrayContaining([...actions, ...actionsUsed('@aws-sdk/client-organizations', 'organizations')]));
    expect(hub.length).toBe(actions.length + actionsUsed('@aws-sdk/client-organizations', 'organizations').length);
  });
});
