/**
 * `kubeseg grant-access`: checks the request, prints the plan for `--dry-run`, else runs it with the
 * caller's AWS identity (`--profile`, else the default chain) and says what was created, updated or
 * already in place. Every failure is one line on stderr.
 */
import { grantPlanText, parseGrantRequest } from '../core/access/grantRequest.js';
import { inertLine } from '../core/format/inert.js';
import type { GrantAccessFlags } from './commands/grantAccess.js';
import { EXIT } from './exitCodes.js';
import type { Io } from './io.js';

export async function runGrantAccess(flags: GrantAccessFlags, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const parsed = parseGrantRequest({ cluster: flags.cluster, region: flags.region ?? (env.AWS_REGION || undefined), principal: flags.principal, group: flags.group });
  if (!parsed.ok) return fail(io, parsed.problem);
  const request = parsed.request;
  if (flags.dryRun) {
    io.stdout(grantPlanText(request));
    return;
  }
  const [{ EKSClient }, { grantAccess, GrantAccessError }] = await Promise.all([import('@aws-sdk/client-eks'), import('../adapters/aws/grantAccess.js')]);
  const eks = new EKSClient({ region: request.region, ...(flags.profile !== undefined && { profile: flags.profile }) });
  try {
    const result = await grantAccess(request, { eks });
    if (result.kind === 'config-map-only') {
      io.stderr(`error: ${inertLine(`cluster ${request.clusterName} authenticates only through the aws-auth ConfigMap (authenticationMode CONFIG_MAP), so it has no access entries: `
        + 'add the mapRoles entry below to kube-system/aws-auth, then kubectl apply -f infra/kubeseg-reader.yaml (or switch the cluster to API_AND_CONFIG_MAP and run again)')}\n`);
      io.stdout(result.mapRolesYaml);
      io.exitCode(EXIT.inputError);
      return;
    }
    io.stdout([
      `Cluster ${request.clusterName} (${request.region}):`,
      `  access entry for ${request.principalArn} in group ${request.group}: ${result.accessEntry}`,
      ...result.applied.map((a) => `  ${a.kind} ${a.name}: ${a.outcome}`),
    ].map(inertLine).join('\n') + '\n');
  } catch (err) {
    if (!(err instanceof GrantAccessError)) throw err;
    fail(io, err.message);
  } finally {
    eks.destroy();
  }
}

function fail(io: Io, message: string): void {
  io.stderr(`error: ${inertLine(message)}\n`);
  io.exitCode(EXIT.inputError);
}
