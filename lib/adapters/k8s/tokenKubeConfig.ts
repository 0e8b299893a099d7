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
    // No token here: requestOptions adds a current one to every request.
    users: [{ name: 'kubeseg' }],
    contexts: [{ name: cluster.name, cluster: cluster.name, user: 'kubeseg' }],
    currentContext: cluster.name,
  });
  return kc;
}

/**
 * Request options for client-node 1.x: abort each request after `timeoutMs` and, given a token
 * source, set `Authorization: Bearer <token>` from it, asked afresh for each request (the source
 * decides when to renew). Middleware runs after the kubeconfig user's authentication, so the
 * token overrides the user's. (1.x takes Observable middleware; promise middleware fails at run time.)
 */
export function requestOptions(timeoutMs: number, bearerToken?: () => Promise<string>): k8s.ConfigurationOptions {
  return {
    middlewareMergeStrategy: 'append',
    middleware: [{
      pre: (ctx) => {
        ctx.setSignal(AbortSignal.timeout(timeoutMs));
        if (!bearerToken) return new k8s.Observable(Promise.resolve(ctx));
        return new k8s.Observable(bearerToken().then((token) => {
          ctx.setHeaderParam('Authorization', `Bearer ${token}`);
          return ctx;
        }));
      },
      post: (rc) => new k8s.Observable(Promise.resolve(rc)),
    }],
  };
}
