/**
 * A KubeConfig for one API server known by its endpoint and CA (as EKS DescribeCluster gives them),
 * authenticated per request by a bearer token from a source that can renew it (the EKS token).
 * The CA is always checked: there is no skipTLSVerify path.
 */
import * as k8s from '@kubernetes/client-node';

export interface TokenCluster {
  readonly name: string;
  readonly server: string;
  /** The CA bundle, base64 PEM, as EKS `certificateAuthority.data` already is. */
  readonly caData: string;
}

export function tokenKubeConfig(cluster: TokenCluster): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: cluster.name, server: cluster.server, caData: cluster.caData, skipTLSVerify: false }],
    // No token here: bearerTokenOptions adds a current one to every request.
    users: [{ name: 'kubeseg' }],
    contexts: [{ name: cluster.name, cluster: cluster.name, user: 'kubeseg' }],
    currentContext: cluster.name,
  });
  return kc;
}

/**
 * Request options that set `Authorization: Bearer <token>` from the source, asked afresh for each
 * request (the source decides when to renew), and abort a request after `timeoutMs`.
 */
export function bearerTokenOptions(token: () => Promise<string>, timeoutMs: number): k8s.ConfigurationOptions {
  return {
    middlewareMergeStrategy: 'append',
    middleware: [{
      pre: (ctx) => new k8s.Observable(token().then((t) => {
        ctx.setHeaderParam('Authorization', `Bearer ${t}`);
        ctx.setSignal(AbortSignal.timeout(timeoutMs));
        return ctx;
      })),
      post: (rc) => new k8s.Observable(Promise.resolve(rc)),
    }],
  };
}
