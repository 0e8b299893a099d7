/**
 * One keep-alive HTTPS agent per cluster collection. client-node 1.4.0 builds a new https.Agent for
 * every request (in KubeConfig.applySecurityAuthentication), so every request would open a new
 * connection and do a whole TLS handshake: measured, that is a large part of a collection's CPU
 * (bench/README.md). The agent is built from the TLS options of the first agent client-node made for
 * the cluster (its CA, client certificate and key), serves only that cluster, and is destroyed when
 * the cluster is done. Its connections share one TLS context, made once from those options: Node
 * would otherwise parse the CA and keys again for every connection.
 */
import * as https from 'node:https';
import * as tls from 'node:tls';
import * as k8s from '@kubernetes/client-node';

type AnyAgent = ReturnType<k8s.RequestContext['getAgent']>;

/** The options that decide whom a connection trusts and who it says it is. */
const IDENTITY_OPTIONS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

export class ClusterAgent {
  private agent: https.Agent | undefined;

  constructor(private readonly maxSockets: number) {}

  /**
   * The cluster's keep-alive agent in place of client-node's one-request agent. A proxy agent, or
   * one whose TLS identity differs from the first (an exec plugin that rotated its client
   * certificate), is used as it is.
   */
  reuse(fresh: AnyAgent): AnyAgent {
    if (!(fresh instanceof https.Agent) || fresh.constructor !== https.Agent) return fresh;
    this.agent ??= keepAliveAgent(fresh.options, this.maxSockets);
    if (!this.agent) return fresh;
    const same = IDENTITY_OPTIONS.every((o) => sameValue(fresh.options[o], this.agent!.options[o]));
    return same ? this.agent : fresh;
  }

  /** `options` with one more middleware, which puts this agent on every request (after authentication made its own). */
  options(options: k8s.ConfigurationOptions): k8s.ConfigurationOptions {
    return {
      ...options,
      middlewareMergeStrategy: 'append',
      middleware: [...(options.middleware ?? []), {
        pre: (ctx) => {
          const agent = this.reuse(ctx.getAgent());
          if (agent) ctx.setAgent(agent);
          return new k8s.Observable(Promise.resolve(ctx));
        },
        post: (rc) => new k8s.Observable(Promise.resolve(rc)),
      }],
    };
  }

  /** Closes the kept connections. */
  close(): void {
    this.agent?.destroy();
  }
}

/**
 * A keep-alive agent whose connections share one TLS context; undefined when the options make no
 * context (a malformed key or certificate): client-node's own agent then fails the request, with the reason.
 */
function keepAliveAgent(options: https.AgentOptions, maxSockets: number): https.Agent | undefined {
  let secureContext: tls.SecureContext;
  try {
    secureContext = tls.createSecureContext(options);
  } catch {
    return undefined;
  }
  return new https.Agent({ ...options, secureContext, keepAlive: true, maxSockets });
}

/** client-node reads the CA and keys afresh for every request: equal contents, new Buffers. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  return a === b;
}
