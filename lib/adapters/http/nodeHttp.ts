/**
 * The on-demand API over node:http, for `kubeseg serve`: a request becomes an ApiRequest, the
 * handler's ApiResponse is written back. A body is kept only up to one byte past the limit (the
 * rest is read and dropped), so an oversized one costs no memory; the handler sees it is too large
 * and answers 413.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiRequest, ApiResponse } from '../../service/httpApi.js';

export interface NodeApiOptions {
  readonly host: string;
  /** 0 for any free port. */
  readonly port: number;
  readonly maxBodyBytes: number;
  /** Whether the request carries the server's credential. */
  readonly authenticate: (headers: ApiRequest['headers']) => boolean;
  /** A failure of the handler itself (a bug or a broken store): answered 500 and told here. */
  readonly onError: (err: unknown) => void;
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  close(): Promise<void>;
}

export async function listenApi(handle: (request: ApiRequest) => Promise<ApiResponse>, options: NodeApiOptions): Promise<RunningServer> {
  const server = createServer((req, res) => {
    void answer(req, res, handle, options);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${options.host}:${port}`, close: () => closeServer(server) };
}

async function answer(req: IncomingMessage, res: ServerResponse, handle: (request: ApiRequest) => Promise<ApiResponse>, options: NodeApiOptions): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = headersOf(req);
    const body = await readBody(req, options.maxBodyBytes);
    const response = await handle({
      method: req.method ?? 'GET', path: url.pathname, headers, body,
      query: Object.fromEntries(url.searchParams), authenticated: options.authenticate(headers),
    });
    res.writeHead(response.status, response.headers).end(response.body);
  } catch (err) {
    options.onError(err);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{ "error": "internal error" }\n');
  }
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
}

/** The body as text, or its first `limit + 1` bytes when it is longer. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (kept > limit) continue;
    chunks.push(chunk);
    kept += chunk.byteLength;
  }
  return kept === 0 ? undefined : Buffer.concat(chunks).subarray(0, limit + 1).toString('utf8');
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
