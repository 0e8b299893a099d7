/**
 * One discovered EKS cluster → its evidence snapshot: the cloud facts from the EKS and EC2 APIs,
 * then the Kubernetes objects through the cluster's endpoint, authenticated with an EKS token that
 * is renewed before it expires. Every step, cloud or Kubernetes, is recorded; a cluster whose
 * endpoint cannot be reached is `unreachable` with the reason and, when the cloud facts explain it
 * (a private endpoint, public access limited to some CIDRs), with that explanation.
 */
import { assembleSnapshot } from '../../core/evidence/buildSnapshot.js';
import { API_SERVER_STEP, type CloudFacts, type ClusterIdentity, type EvidenceSnapshot } from '../../core/evidence/snapshot.js';
import { collectCluster, type CollectOptions } from '../k8s/collectCluster.js';
import { tokenKubeConfig } from '../k8s/tokenKubeConfig.js';
import type { AwsClientFactory } from './clients.js';
import { collectClusterFacts } from './clusterFacts.js';
import type { DiscoveredCluster } from './discoverFleet.js';
import { eksTokenSource } from './eksToken.js';
import { withRetry } from './retry.js';

export interface EksCollectDeps {
  readonly clients: AwsClientFactory;
  readonly now: () => Date;
  readonly collect?: CollectOptions;
}

export async function collectEksCluster(found: DiscoveredCluster, identity: ClusterIdentity, deps: EksCollectDeps): Promise<EvidenceSnapshot> {
  const { region, credentials, cluster } = found;
  const endpoint = cluster.endpoint;
  const caData = cluster.certificateAuthority?.data;
  // The cloud facts and the objects come from different APIs: both are asked for at once.
  const [facts, live] = await Promise.all([
    collectClusterFacts({ eks: deps.clients.eks(region, credentials), ec2: deps.clients.ec2(region, credentials), cluster, call: withRetry }),
    endpoint && caData
      ? collectCluster({
        context: found.name,
        kubeConfig: tokenKubeConfig({ name: found.name, server: endpoint, caData }),
        identity,
        bearerToken: eksTokenSource({ credentials: credentials ?? callerCredentials(deps.clients, region), region, clusterName: found.name, now: deps.now }),
      }, deps.collect)
      : undefined,
  ]);
  const collection = live
    ? live.collection.map((s) => (s.step === API_SERVER_STEP && s.status !== 'ok' ? { ...s, detail: explained(s.detail ?? '', facts.cloud) } : s))
    : [{ step: API_SERVER_STEP, status: 'error' as const, detail: `not collected: DescribeCluster gave no ${endpoint ? 'certificate authority' : 'endpoint'} (is the cluster still being created?)` }];
  return assembleSnapshot({
    identity,
    objects: live?.objects ?? [],
    cloud: facts.cloud,
    collection: [...facts.steps, ...collection],
    ...(live?.policyEngineGroups && { policyEngineGroups: live.policyEngineGroups }),
  });
}

/** The default credential chain (or `--profile`), as an SDK client resolves it: for a fleet of the caller's own account. */
const callerCredentials = (clients: AwsClientFactory, region: string) => clients.sts(region).config.credentials;

/** Adds what the cloud facts say about why the endpoint may be out of reach. */
function explained(detail: string, cloud: CloudFacts): string {
  const api = cloud.apiServer;
  if (api?.endpointPublicAccess === false) {
    return `${detail}; the endpoint is private (public access disabled): run kubeseg from a network that reaches the cluster's VPC`;
  }
  const cidrs = api?.publicAccessCidrs ?? [];
  if (cidrs.length > 0 && !cidrs.includes('0.0.0.0/0')) {
    return `${detail}; the public endpoint admits only ${cidrs.join(', ')}: add the collector's address or run it inside the VPC`;
  }
  return detail;
}
