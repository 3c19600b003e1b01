/** One guarded HTTP exchange: every connection's resolved address is checked before the socket opens. */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { bareHost, checkResolvedAddress, type NetworkPolicy } from './network-guard.js';

/** A response, with the body cut at the byte cap. */
export interface GuardedResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly truncated: boolean;
  readonly location?: string;
}

/** What `sendRequest` needs. */
export interface GuardedRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly maxBytes: number;
  readonly signal: AbortSignal;
  readonly policy: NetworkPolicy;
  readonly tool: string;
}

/**
 * A `lookup` for `http.request` that rejects private addresses (unless the policy allows them for this host).
 * Checking here, at connect time, leaves no window for DNS rebinding between a check and the connection.
 */
export function guardedLookup(policy: NetworkPolicy, tool: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const list = addresses as LookupAddress[];
      try {
        for (const { address } of list) checkResolvedAddress(hostname.toLowerCase(), address, policy, tool);
      } catch (denied) {
        return callback(denied as NodeJS.ErrnoException, '', 4);
      }
      if ((options as { all?: boolean }).all) {
        return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, list);
      }
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };
}

function flattenHeaders(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Sends one request (no redirect following); resolves when the body ended or hit `maxBytes`. */
export function sendRequest(request: GuardedRequest): Promise<GuardedResponse> {
  const client = request.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = client.request(
      request.url,
      {
        method: request.method,
        headers: request.headers,
        signal: request.signal,
        lookup: guardedLookup(request.policy, request.tool),
        servername: request.url.protocol === 'https:' ? bareHost(request.url) : undefined,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const base = {
          status,
          statusText: response.statusMessage ?? '',
          headers: flattenHeaders(response),
          ...(response.headers.location ? { location: response.headers.location } : {}),
        };
        if (status >= 300 && status < 400 && response.headers.location) {
          response.destroy();
          resolve({ ...base, body: Buffer.alloc(0), truncated: false });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        response.on('data', (chunk: Buffer) => {
          if (truncated) return;
          const room = request.maxBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size += room;
            truncated = true;
            response.destroy();
            resolve({ ...base, body: Buffer.concat(chunks), truncated });
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => resolve({ ...base, body: Buffer.concat(chunks), truncated }));
        response.on('error', (error) => (truncated ? undefined : reject(error)));
      },
    );
    outgoing.on('error', reject);
    if (request.body !== undefined) outgoing.write(request.body);
    outgoing.end();
  });
}
