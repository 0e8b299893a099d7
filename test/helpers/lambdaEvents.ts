/**
 * Test helper: events shaped as AWS delivers them to the handlers. An HTTP API (payload 2.0)
 * request, with the IAM authorizer's context when `authorized`; the input EventBridge Scheduler
 * gives the state machine (serverless.yml's template with the scheduled time filled in).
 */
export interface HttpEventOptions {
  readonly method: string;
  /** The path, with a query string if any. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly base64?: boolean;
  readonly authorized?: boolean;
}

export function httpEvent(options: HttpEventOptions): Record<string, unknown> {
  const url = new URL(options.path, 'https://api.example.com');
  const query = Object.fromEntries(url.searchParams);
  const time = new Date('2026-12-04T10:00:00Z');
  const route = url.pathname.startsWith('/links/') ? `${options.method} /links/{id}/{format}` : `${options.method} ${url.pathname.replace(/^\/reports\/[^/]+/, '/reports/{id}')}`;
  return {
    version: '2.0',
    routeKey: route,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: {
      accept: '*/*', 'content-length': String(Buffer.byteLength(options.body ?? '')), host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      'user-agent': 'curl/8.5.0', 'x-amzn-trace-id': 'Root=1-6750a000-0123456789abcdef01234567', 'x-forwarded-for': '203.0.113.7',
      'x-forwarded-port': '443', 'x-forwarded-proto': 'https', ...options.headers,
    },
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    requestContext: {
      accountId: '111122223333', apiId: 'abc123', domainName: 'abc123.execute-api.eu-west-1.amazonaws.com', domainPrefix: 'abc123',
      http: { method: options.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: `req-${Math.random().toString(36).slice(2, 10)}`, routeKey: route, stage: '$default',
      time: '04/Dec/2026:10:00:00 +0000', timeEpoch: time.getTime(),
      ...(options.authorized && {
        authorizer: { iam: {
          accessKey: 'ASIAEXAMPLEKEY000001', accountId: '111122223333', callerId: 'AROAEXAMPLEROLEID:alice', cognitoIdentity: null,
          principalOrgId: 'o-exampleorg', userArn: 'arn:aws:sts::111122223333:assumed-role/SecurityTeam/alice', userId: 'AROAEXAMPLEROLEID:alice',
        } },
      }),
    },
    ...(options.body !== undefined && { body: options.base64 ? Buffer.from(options.body).toString('base64') : options.body }),
    isBase64Encoded: options.base64 ?? false,
  };
}

/** What the state machine's execution gets from the weekly schedule. */
export const scheduledInput = (scheduledTime: string) => ({ trigger: 'schedule', scheduledTime });
