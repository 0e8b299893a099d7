/**
 * `kubeseg grant-access` against AWS and the cluster: DescribeCluster (endpoint, CA, authentication
 * mode); the EKS access entry that puts the principal in the Kubernetes group (created, or the
 * group added to the entry it already has); then the kubeseg-reader ClusterRole and its binding to
 * that group, applied through the cluster's API as the caller's own AWS identity (EKS token, the
 * cluster's CA). No access policy is associated: the group's RBAC is all the principal gets.
 */
import {
  CreateAccessEntryCommand, DescribeAccessEntryCommand, DescribeClusterCommand, UpdateAccessEntryCommand, type EKSClient,
} from '@aws-sdk/client-eks';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { awsAuthMapRolesYaml, readerClusterRole, readerClusterRoleBinding } from '../../core/access/readerRole.js';
import { accessEntryParams, type GrantRequest } from '../../core/access/grantRequest.js';
import { applyClusterObjects, KubeApplyError, type Applied } from '../k8s/applyClusterObjects.js';
import { requestOptions, tokenKubeConfig } from '../k8s/tokenKubeConfig.js';
import { eksTokenSource } from './eksToken.js';

export type EntryOutcome = 'created' | 'updated' | 'unchanged';

export type GrantResult =
  | { readonly kind: 'granted'; readonly accessEntry: EntryOutcome; readonly applied: readonly Applied[] }
  /** The cluster authenticates only through the aws-auth ConfigMap: access entries are not available. */
  | { readonly kind: 'config-map-only'; readonly mapRolesYaml: string };

export interface GrantDeps {
  readonly eks: EKSClient;
  /** The identity that signs the EKS token; the EKS client's own credentials unless given. */
  readonly credentials?: AwsCredentialIdentityProvider;
  readonly now?: () => Date;
  /** Client-side timeout of each Kubernetes request. */
  readonly timeoutMs?: number;
}

/** An AWS call that failed: one line naming the API call. */
export class GrantAccessError extends Error {}

export async function grantAccess(request: GrantRequest, deps: GrantDeps): Promise<GrantResult> {
  const { cluster } = await awsCall('DescribeCluster', () => deps.eks.send(new DescribeClusterCommand({ name: request.clusterName })));
  // Clusters made before access entries existed have no accessConfig: they are aws-auth only.
  const mode = cluster?.accessConfig?.authenticationMode ?? 'CONFIG_MAP';
  if (mode === 'CONFIG_MAP') return { kind: 'config-map-only', mapRolesYaml: awsAuthMapRolesYaml(request.principalArn, request.group) };
  const endpoint = cluster?.endpoint;
  const caData = cluster?.certificateAuthority?.data;
  if (!endpoint || !caData) throw new GrantAccessError(`eks:DescribeCluster ${request.clusterName}: no endpoint or certificate authority (is the cluster still being created?)`);
  const accessEntry = await ensureAccessEntry(deps.eks, request);
  const token = eksTokenSource({
    credentials: deps.credentials ?? deps.eks.config.credentials, region: request.region, clusterName: request.clusterName, ...(deps.now && { now: deps.now }),
  });
  const kc = tokenKubeConfig({ name: request.clusterName, server: endpoint, caData });
  try {
    const applied = await applyClusterObjects(kc, [readerClusterRole(), readerClusterRoleBinding(request.group)], requestOptions(deps.timeoutMs ?? 15_000, token));
    return { kind: 'granted', accessEntry, applied };
  } catch (err) {
    if (!(err instanceof KubeApplyError)) throw err;
    throw new GrantAccessError(`the access entry is ${accessEntry}, but applying the ClusterRole failed: ${err.message}`);
  }
}

/** Creates the entry; when the principal has one, adds the group to it and keeps every other group. */
async function ensureAccessEntry(eks: EKSClient, request: GrantRequest): Promise<EntryOutcome> {
  try {
    await eks.send(new CreateAccessEntryCommand(accessEntryParams(request)));
    return 'created';
  } catch (err) {
    if ((err as Error).name !== 'ResourceInUseException') throw awsError('CreateAccessEntry', err);
  }
  const key = { clusterName: request.clusterName, principalArn: request.principalArn };
  const { accessEntry } = await awsCall('DescribeAccessEntry', () => eks.send(new DescribeAccessEntryCommand(key)));
  if (accessEntry?.type !== undefined && accessEntry.type !== 'STANDARD') {
    throw new GrantAccessError(`the access entry of ${request.principalArn} is of type ${accessEntry.type}: only a STANDARD entry can have Kubernetes groups`);
  }
  const groups = accessEntry?.kubernetesGroups ?? [];
  if (groups.includes(request.group)) return 'unchanged';
  await awsCall('UpdateAccessEntry', () => eks.send(new UpdateAccessEntryCommand({ ...key, kubernetesGroups: [...groups, request.group] })));
  return 'updated';
}

async function awsCall<T>(api: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw awsError(api, err);
  }
}

function awsError(api: string, err: unknown): GrantAccessError {
  const name = err instanceof Error ? err.name : 'Error';
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  if (name === 'AccessDeniedException' || name === 'AccessDenied') return new GrantAccessError(`eks:${api} was denied: ${message}`);
  if (name === 'CredentialsProviderError') return new GrantAccessError(`eks:${api}: no AWS credentials (${message})`);
  return new GrantAccessError(`eks:${api}: ${name}: ${message}`);
}
