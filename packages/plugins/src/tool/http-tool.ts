/** `http` tool: HTTP(S) requests to allowlisted hosts, no private networks, redirects checked hop by hop. */
import {
  definePlugin,
  isAgentryError,
  type JsonObject,
  type SideEffects,
  type ToolContext,
  ToolError,
} from '@agentry/core';
import { z } from 'zod';
import { ConfiguredTool } from './configured-tool.js';
import { type GuardedResponse, sendRequest } from './http-request.js';
import { checkUrl, type NetworkPolicy } from './network-guard.js';
import { abortedError, asTool, commonToolConfig } from './tool-support.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const SAFE_METHODS: readonly string[] = ['GET', 'HEAD'];

const configSchema = z.object({
  ...commonToolConfig,
  allowHosts: z
    .array(z.string().min(1))
    .min(1)
    .describe(
      'Hosts the tool may reach: "api.example.com", "*.example.com", "host:8080", or "*" for any public host.',
    ),
  allowPrivate: z
    .union([z.boolean(), z.array(z.string().min(1))])
    .default(false)
    .describe(
      'Allow loopback/private addresses: true for every host, or a list of hosts (for tests and local dev).',
    ),
  methods: z
    .array(z.enum(METHODS))
    .min(1)
    .default([...METHODS])
    .describe('Methods the model may use. Only GET/HEAD makes the tool side-effect free.'),
  maxRedirects: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(5)
    .describe('Redirects followed (each hop is re-checked).'),
  timeoutMs: z
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe('Time limit of the whole call, redirects included.'),
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024)
    .describe('Response bodies are cut at this many bytes and marked `truncated`.'),
});

/** Config of `http`. */
export type HttpToolConfig = z.output<typeof configSchema>;

const inputSchema = z.object({
  url: z.string().describe('Absolute http(s) URL, e.g. "https://api.example.com/items?id=3".'),
  method: z.enum(METHODS).default('GET').describe('HTTP method; anything but GET/HEAD may need approval.'),
  headers: z
    .record(z.string(), z.string())
    .default({})
    .describe('Request headers (no Host, no hop-by-hop headers).'),
  body: z.string().optional().describe('Request body as text (e.g. JSON); set content-type in headers.'),
});

/** Arguments of `http`. */
export type HttpInput = z.output<typeof inputSchema>;

const FORBIDDEN_HEADERS = new Set([
  'host',
  'connection',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'te',
]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie'];

function isText(contentType: string | undefined): boolean {
  return !contentType || /^text\/|json|xml|javascript|x-www-form-urlencoded|yaml|csv/i.test(contentType);
}

/** Fetches URLs under a network policy; GET/HEAD need no approval, other methods do (unless configured). */
export class HttpTool extends ConfiguredTool<HttpInput, JsonObject> {
  static readonly plugin = definePlugin({
    kind: 'tool',
    name: 'http',
    description: 'HTTP(S) requests to allowlisted hosts, with private-network denial and checked redirects',
    configSchema,
    create: (config: HttpToolConfig) => asTool(new HttpTool(config)),
  });

  readonly input = inputSchema;
  readonly sideEffects: SideEffects;
  private readonly policy: NetworkPolicy;

  constructor(private readonly config: HttpToolConfig) {
    super(config, {
      name: 'http',
      description:
        `Sends an HTTP request and returns status, headers and body (text, at most ${config.maxResponseBytes} bytes). ` +
        `Reachable hosts: ${config.allowHosts.join(', ')}.`,
      approval: (input: HttpInput) => !SAFE_METHODS.includes(input.method),
    });
    this.sideEffects = config.methods.every((method) => SAFE_METHODS.includes(method)) ? 'none' : 'unsafe';
    this.policy = { allowHosts: config.allowHosts, allowPrivate: config.allowPrivate };
  }

  private refuse(message: string, hint: string): ToolError {
    return new ToolError('tool.policy_denied', {
      message: `${this.name}: ${message}`,
      hint,
      context: { tool: this.name },
    });
  }

  async execute(input: HttpInput, context: ToolContext): Promise<JsonObject> {
    this.throwIfAborted(context.signal);
    if (!(this.config.methods as readonly string[]).includes(input.method)) {
      throw this.refuse(
        `method ${input.method} is not allowed`,
        `Use one of: ${this.config.methods.join(', ')}.`,
      );
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(input.headers)) {
      if (FORBIDDEN_HEADERS.has(name.toLowerCase()))
        throw this.refuse(`header "${name}" may not be set`, 'Remove it.');
      if (/[\r\n]/.test(value))
        throw this.refuse(`header "${name}" contains a line break`, 'Remove the line break.');
      headers[name] = value;
    }
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const signal = AbortSignal.any([context.signal, timeout]);
    let url = checkUrl(input.url, this.policy, this.name);
    let method: string = input.method;
    let body = input.body;
    const redirects: string[] = [];
    try {
      for (;;) {
        const response: GuardedResponse = await sendRequest({
          url,
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          maxBytes: this.config.maxResponseBytes,
          signal,
          policy: this.policy,
          tool: this.name,
        });
        if (response.location === undefined || response.status < 300 || response.status >= 400) {
          return this.result(url, method, response, redirects);
        }
        if (redirects.length >= this.config.maxRedirects) {
          throw new ToolError('tool.failed', {
            message: `${this.name}: more than ${this.config.maxRedirects} redirects (last to ${response.location})`,
            hint: 'Request the final URL directly.',
            context: { tool: this.name },
          });
        }
        const next = checkUrl(new URL(response.location, url).href, this.policy, this.name);
        if (next.origin !== url.origin)
          for (const name of Object.keys(headers)) {
            if (CREDENTIAL_HEADERS.includes(name.toLowerCase())) delete headers[name];
          }
        if (
          response.status === 303 ||
          ((response.status === 301 || response.status === 302) && method === 'POST')
        ) {
          method = 'GET';
          body = undefined;
        }
        redirects.push(next.href);
        url = next;
      }
    } catch (error) {
      if (isAgentryError(error)) throw error;
      if (context.signal.aborted) throw abortedError(context.signal, this.name);
      if (timeout.aborted) {
        throw new ToolError('tool.timeout', {
          message: `${this.name}: no complete response from ${url.host} within ${this.config.timeoutMs} ms`,
          hint: 'Try again later, or ask for less data.',
          context: { tool: this.name },
        });
      }
      throw new ToolError('tool.failed', {
        message: `${this.name}: request to ${url.host} failed: ${(error as Error).message}`,
        hint: 'Check the URL; the server may be down.',
        retryable: true,
        cause: error,
        context: { tool: this.name },
      });
    }
  }

  private result(url: URL, method: string, response: GuardedResponse, redirects: string[]): JsonObject {
    const contentType = response.headers['content-type'];
    const text = isText(contentType);
    return {
      url: url.href,
      method,
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      body: text ? response.body.toString('utf8') : response.body.toString('base64'),
      bodyEncoding: text ? 'utf8' : 'base64',
      truncated: response.truncated,
      redirects,
    };
  }
}
