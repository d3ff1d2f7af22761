/**
 * A lean keep-alive HTTP/1.1 client for the benchmarks, on raw sockets: the
 * client shares this 2-core machine with the service, and node:http's
 * client (or undici's) spent ~110-140 us of CPU per request, a fifth of
 * the machine at full load. One request at a time per socket, like wrk;
 * responses framed by Content-Length or chunked. Loopback URLs only.
 */
import net from 'node:net';

export interface Reply { readonly status: number; readonly json: any }

interface Pending {
  readonly resolve: (r: Reply) => void;
  readonly reject: (e: Error) => void;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** One keep-alive connection; `send` must not be called again before the previous reply. */
class Connection {
  private readonly socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private readonly ready: Promise<void>;

  constructor(host: string, port: number) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.parse();
    });
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }

  async send(request: Buffer): Promise<Reply> {
    await this.ready;
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void { this.socket.destroy(); }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = undefined;
    p?.reject(err);
  }

  /** Completes the pending reply once its head and whole body are in. */
  private parse(): void {
    if (!this.pending) return;
    const end = this.buf.indexOf(CRLF2);
    if (end < 0) return;
    const head = this.buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const lower = head.toLowerCase();
    let body: Buffer;
    let used: number;
    const cl = /\r\ncontent-length:\s*(\d+)/.exec(lower);
    if (cl) {
      const length = Number(cl[1]);
      if (this.buf.length < end + 4 + length) return;
      body = this.buf.subarray(end + 4, end + 4 + length);
      used = end + 4 + length;
    } else if (/\r\ntransfer-encoding:\s*chunked/.test(lower)) {
      const chunks: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const line = this.buf.indexOf('\r\n', at);
        if (line < 0) return;
        const size = parseInt(this.buf.toString('latin1', at, line), 16);
        if (this.buf.length < line + 2 + size + 2) return;
        if (size === 0) { used = line + 4; break; }
        chunks.push(this.buf.subarray(line + 2, line + 2 + size));
        at = line + 2 + size + 2;
      }
      body = Buffer.concat(chunks);
    } else {
      body = Buffer.alloc(0); // 204 / 304, or a bodiless answer
      used = end + 4;
    }
    this.buf = this.buf.subarray(used);
    const p = this.pending;
    this.pending = undefined;
    const text = body.toString('utf8');
    try {
      p.resolve({ status, json: text ? JSON.parse(text) : null });
    } catch (err) {
      p.reject(err as Error);
    }
  }
}

export function client(baseUrl: string, sockets: number, headers: Record<string, string>) {
  const base = new URL(baseUrl);
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(base.hostname)) throw new Error(`loopback URLs only, got ${base.hostname}`);
  const host = base.hostname.replace(/^\[|\]$/g, '');
  const port = Number(base.port || 80);
  const fixed = Object.entries({ host: base.host, ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const idle: Connection[] = [];
  let open = 0;
  const waiters: Array<(c: Connection) => void> = [];
  const acquire = (): Promise<Connection> => {
    const c = idle.pop();
    if (c) return Promise.resolve(c);
    if (open < sockets) {
      open++;
      return Promise.resolve(new Connection(host, port));
    }
    return new Promise((r) => waiters.push(r));
  };
  const release = (c: Connection) => {
    const w = waiters.shift();
    if (w) w(c);
    else idle.push(c);
  };
  return async function call(method: string, path: string, body?: unknown): Promise<Reply> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const request = Buffer.from(`${method} ${path} HTTP/1.1\r\n${fixed}content-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`);
    const c = await acquire();
    try {
      const reply = await c.send(request);
      release(c);
      return reply;
    } catch (err) {
      c.close();
      open--;
      throw err;
    }
  };
}
