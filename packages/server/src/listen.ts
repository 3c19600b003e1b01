/**
 * `listen`: serves an `AgentryServer` on a host and port with @hono/node-server. Refuses a
 * non-loopback address unless tokens are configured: without tokens every caller is admin.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { AgentryServer } from './create-server.js';

/** Options of `listen`. */
export interface ListenOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 4400; `0` picks a free port. */
  port?: number;
  /** Whether tokens are configured (`createServer`'s `tokens` is not empty). */
  hasTokens: boolean;
}

/** A listening server. */
export interface Listening {
  /** `http://host:port` as a browser opens it. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and ends open streams. */
  close(): Promise<void>;
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return (
    bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === '::ffff:127.0.0.1'
  );
}

export class UnsafeBindError extends Error {}

export function listen(server: AgentryServer, options: ListenOptions): Promise<Listening> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.hasTokens) {
    return Promise.reject(
      new UnsafeBindError(
        `Refusing to listen on ${host} without tokens: anyone who reaches it could approve and start runs. Set AGENTRY_SERVER_TOKENS (e.g. "admin:$(openssl rand -hex 24)") or listen on 127.0.0.1.`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const http = serve(
      { fetch: server.fetch, hostname: host, port: options.port ?? 4400 },
      (info: AddressInfo) => {
        const shown = host.includes(':') ? `[${host}]` : host;
        resolve({
          url: `http://${shown}:${info.port}`,
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              http.close(() => done());
              (http as { closeAllConnections?: () => void }).closeAllConnections?.();
            }),
        });
      },
    );
    http.once('error', reject);
  });
}
