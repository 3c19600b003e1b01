/** `policy` executor: filesystem roots, network allowlist and per-tool allow/deny, checked before a call runs. */
import path from 'node:path';
import {
  definePlugin,
  isAgentryError,
  type NextExecutor,
  type PluginDeps,
  ToolError,
  type ToolExecution,
  type ToolExecutor,
  type ToolOutcome,
} from '@agentry/core';
import { callNext, failureOutcome } from '@agentry/core/plugin';
import picomatch from 'picomatch';
import { z } from 'zod';
import { checkUrl, type NetworkPolicy, resolveAndCheck } from '../tool/network-guard.js';
import { confinePath, resolveRoot } from '../tool/path-guard.js';

const configSchema = z
  .object({
    roots: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Directories path-like inputs must stay in (relative to the config file). Unset: no file checks.',
      ),
    pathFields: z
      .array(z.string().min(1))
      .default(['path', 'paths', 'file', 'files', 'filePath', 'cwd', 'directory', 'dir'])
      .describe('Input fields (at any depth) holding paths.'),
    network: z
      .object({
        allowHosts: z
          .array(z.string().min(1))
          .default([])
          .describe('Host patterns: "example.com", "*.example.com", "host:port", "*".'),
        allowSchemes: z.array(z.string().min(1)).default(['http', 'https']).describe('URL schemes allowed.'),
        allowPrivate: z
          .union([z.boolean(), z.array(z.string().min(1))])
          .default(false)
          .describe('Allow private/loopback addresses: true, or only for the listed hosts.'),
      })
      .strict()
      .optional()
      .describe('Network allowlist for URL-like inputs. Unset: no network checks.'),
    urlFields: z
      .array(z.string().min(1))
      .default(['url', 'urls', 'uri', 'href', 'endpoint'])
      .describe('Input fields (at any depth) holding URLs.'),
    tools: z
      .object({
        allow: z
          .array(z.string().min(1))
          .optional()
          .describe('Only these tools may run (names or globs like "mcp_*").'),
        deny: z.array(z.string().min(1)).default([]).describe('These tools never run (wins over allow).'),
      })
      .strict()
      .default({ deny: [] })
      .describe('Per-tool allow/deny lists.'),
  })
  .strict();

/** Config of `policy`. */
export type PolicyToolExecutorConfig = z.input<typeof configSchema>;

const MAX_DEPTH = 8;

/** Every string under a field named in `fields`, at any depth (arrays of strings included). */
function collect(
  value: unknown,
  fields: ReadonlySet<string>,
  found: string[],
  depth = 0,
  named = false,
): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    if (named) found.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, fields, found, depth + 1, named);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) collect(item, fields, found, depth + 1, fields.has(key));
  }
}

/**
 * Refuses a call before it runs when the tool is not allowed, a path-like input leaves every configured root
 * (realpath checks, symlinks included), or a URL-like input is not on the network allowlist or resolves to a
 * private address. A refusal is `{ ok: false, error: { code: 'tool.policy_denied' } }`; `next` is not called.
 * Redirects a tool follows itself are outside its view: use tools that re-check each hop (like `http`).
 */
export class PolicyToolExecutor implements ToolExecutor {
  static readonly plugin = definePlugin({
    kind: 'tool-executor',
    name: 'policy',
    description: 'Filesystem roots, network allowlist and per-tool allow/deny for every tool call',
    configSchema,
    create: async (config, deps: PluginDeps) => {
      const roots = config.roots
        ? await Promise.all(config.roots.map((root) => resolveRoot(root, deps.baseDir, 'policy')))
        : undefined;
      return new PolicyToolExecutor({ ...config, ...(roots ? { roots } : {}) });
    },
  });

  readonly kind = 'tool-executor' as const;
  readonly specVersion = 1 as const;
  readonly name = 'policy';
  private readonly config: z.output<typeof configSchema>;
  private readonly allowTool: ((name: string) => boolean) | undefined;
  private readonly denyTool: (name: string) => boolean;
  private readonly network: NetworkPolicy | undefined;

  /** @param config with `roots` as real absolute paths (the plugin's `create` resolves them) */
  constructor(config: PolicyToolExecutorConfig) {
    this.config = configSchema.parse(config);
    const allow = this.config.tools.allow;
    this.allowTool = allow ? picomatch(allow) : undefined;
    this.denyTool = this.config.tools.deny.length > 0 ? picomatch(this.config.tools.deny) : () => false;
    this.network = this.config.network;
    for (const root of this.config.roots ?? []) {
      if (!path.isAbsolute(root)) throw new Error(`policy: root "${root}" must be absolute here`);
    }
  }

  async execute(execution: ToolExecution, next: NextExecutor): Promise<ToolOutcome> {
    try {
      await this.check(execution);
    } catch (error) {
      if (isAgentryError(error)) return failureOutcome(error);
      throw error;
    }
    return callNext(next, execution);
  }

  /** Throws `ToolError('tool.policy_denied')` when the call may not run. */
  async check(execution: ToolExecution): Promise<void> {
    const tool = execution.tool.name;
    if (this.denyTool(tool) || (this.allowTool && !this.allowTool(tool))) {
      throw new ToolError('tool.policy_denied', {
        message: `Tool "${tool}" is not allowed by the policy`,
        hint: 'Use another tool; this one is blocked for this agent.',
        context: { tool },
      });
    }
    const roots = this.config.roots;
    if (roots) {
      const paths: string[] = [];
      collect(execution.input, new Set(this.config.pathFields), paths);
      for (const requested of paths) await this.checkPath(roots, requested, tool);
    }
    if (this.network) {
      const urls: string[] = [];
      collect(execution.input, new Set(this.config.urlFields), urls);
      for (const raw of urls) {
        const url = checkUrl(raw, this.network, tool);
        await resolveAndCheck(url, this.network, tool);
      }
    }
  }

  /**
   * An absolute path must lie inside one of the roots. A relative path must stay inside every root, because the
   * policy cannot know which directory the tool resolves it against (`escape` may be a harmless name in one
   * root and a symlink out of another).
   */
  private async checkPath(roots: readonly string[], requested: string, tool: string): Promise<void> {
    const relative = !path.isAbsolute(requested);
    let first: unknown;
    for (const root of roots) {
      try {
        await confinePath(root, requested, tool);
        if (!relative) return;
      } catch (error) {
        first ??= error;
        if (relative) break;
      }
    }
    if (relative && first === undefined && roots.length > 0) return;
    first ??= new ToolError('tool.policy_denied', {
      message: `${tool}: path "${requested}" refused: no directory is allowed`,
      hint: 'This agent may not touch files.',
      context: { tool },
    });
    if (isAgentryError(first) && first.code === 'tool.policy_denied') throw first;
    throw new ToolError('tool.policy_denied', {
      message: `${tool}: path "${requested}" could not be checked against the allowed roots`,
      hint: 'Use a relative path inside the workspace.',
      cause: first,
      context: { tool },
    });
  }
}
