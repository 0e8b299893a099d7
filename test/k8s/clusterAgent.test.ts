/** One keep-alive agent per cluster in place of client-node's agent per request. */
import * as http from 'node:http';
import * as https from 'node:https';
import { describe, expect, it } from 'vitest';
import { ClusterAgent } from '../../lib/adapters/k8s/clusterAgent.js';
import { testTls } from '../helpers/fakeKubeApi.js';

/** A fresh Buffer each time, as client-node reads the kubeconfig's CA for every request. */
const ca = (): Buffer => Buffer.from(testTls().caPem);

describe('ClusterAgent', () => {
  it('serves every request of a cluster from one keep-alive agent, though client-node reads the CA afresh each time', () => {
    const agent = new ClusterAgent(4);
    const first = agent.reuse(new https.Agent({ ca: ca() })) as https.Agent;
    const second = agent.reuse(new https.Agent({ ca: ca() }));
    expect(second).toBe(first);
    expect(first.options.keepAlive).toBe(true);
    expect(first.maxSockets).toBe(4);
    expect(first.options.ca).toEqual(ca());
    // One TLS context for all its connections, rather than the CA parsed again per connection.
    expect(first.options.secureContext).toBeDefined();
    agent.close();
  });

  it('leaves a request whose TLS options make no context (a malformed key) to client-node, which fails it with the reason', () => {
    const agent = new ClusterAgent(4);
    const broken = new https.Agent({ ca: ca(), cert: testTls().cert, key: 'not a key' });
    expect(agent.reuse(broken)).toBe(broken);
    agent.close();
  });

  it('keeps an agent whose TLS identity differs (a rotated client certificate), and a proxy or plain HTTP agent, as they are', () => {
    const agent = new ClusterAgent(4);
    const { cert, key } = testTls();
    agent.reuse(new https.Agent({ ca: ca(), cert, key }));
    const rotated = new https.Agent({ ca: ca(), cert: 'cert-2', key });
    expect(agent.reuse(rotated)).toBe(rotated);
    const plain = new http.Agent();
    expect(agent.reuse(plain)).toBe(plain);
    class ProxyAgent extends https.Agent {}
    const proxy = new ProxyAgent({ ca: ca() });
    expect(agent.reuse(proxy)).toBe(proxy);
    expect(agent.reuse(undefined)).toBeUndefined();
    agent.close();
  });
});
