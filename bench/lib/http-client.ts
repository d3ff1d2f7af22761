/**
 * A lean keep-alive HTTP client for the benchmarks (node:http): the global
 * fetch of Node 20 costs more per request than the service does, so it
 * would measure itself. Loopback URLs only.
 */
import http from 'node:http';

export interface Reply { readonly status: number; readonly json: any }

export function client(baseUrl: string, sockets: number, headers: Record<string, string>) {
  const base = new URL(baseUrl);
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(base.hostname)) throw new Error(`loopback URLs only, got ${base.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  return function call(method: string, path: string, body?: unknown): Promise<Reply> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: base.hostname, port: base.port, path, method, agent,
        headers: { ...headers, ...(payload ? { 'content-length': payload.length } : {}) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null });
        });
      });
      req.on('error', reject);
      req.setTimeout(60_000, () => req.destroy(new Error(`timeout: ${method} ${path}`)));
      req.end(payload);
    });
  };
}
