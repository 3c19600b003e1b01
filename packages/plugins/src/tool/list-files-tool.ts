/** `list-files` tool: lists a directory (optionally recursively) inside a configured root. */
import { lstat } from 'node:fs/promises';
import { definePlugin, type JsonObject, type ToolContext, ToolError } from '@agentry/core';
import { z } from 'zod';
import { ConfiguredTool, createInRoot } from './configured-tool.js';
import { withConfinedDirectory } from './confined-fs.js';
import { confinePath } from './path-guard.js';
import { abortedError, commonToolConfig, fileError } from './tool-support.js';
import { walkDirectory } from './walk-directory.js';

const configSchema = z.object({
  ...commonToolConfig,
  root: z.string().min(1).describe('Directory the tool may list; relative to the config file.'),
  maxEntries: z
    .number()
    .int()
    .positive()
    .max(100_000)
    .default(1000)
    .describe('Most entries returned per call; more are cut and marked `truncated`.'),
  maxDepth: z
    .number()
    .int()
    .positive()
    .max(64)
    .default(16)
    .describe('Deepest level a recursive listing descends.'),
});

/** Config of `list-files`. */
export type ListFilesToolConfig = z.output<typeof configSchema>;

const inputSchema = z.object({
  path: z
    .string()
    .default('.')
    .describe('Directory relative to the workspace root ("." for the root itself).'),
  recursive: z.boolean().default(false).describe('Also list everything below sub-directories.'),
});

/** Arguments of `list-files`. */
export type ListFilesInput = z.output<typeof inputSchema>;

/** Lists files and directories confined to `root`; symlinks are shown, never followed. */
export class ListFilesTool extends ConfiguredTool<ListFilesInput, JsonObject> {
  static readonly plugin = definePlugin({
    kind: 'tool',
    name: 'list-files',
    description: 'Lists files inside a configured root directory',
    configSchema,
    create: createInRoot(
      'list-files',
      (config: ListFilesToolConfig, root) => new ListFilesTool(config, root),
    ),
  });

  readonly input = inputSchema;
  readonly sideEffects = 'none' as const;

  /** @param root real path of the root directory */
  constructor(
    private readonly config: ListFilesToolConfig,
    private readonly root: string,
  ) {
    super(config, {
      name: 'list-files',
      description: `Lists the files and directories of a workspace directory (names relative to the workspace root; at most ${config.maxEntries} entries).`,
      approval: 'never',
    });
  }

  async execute(input: ListFilesInput, context: ToolContext): Promise<JsonObject> {
    this.throwIfAborted(context.signal);
    const target = await confinePath(this.root, input.path, this.name);
    const entries: JsonObject[] = [];
    let truncated = false;
    try {
      if (!(await lstat(target.absolute)).isDirectory()) {
        throw new ToolError('tool.failed', {
          message: `${this.name}: "${target.relative}" is not a directory`,
          hint: 'Pass a directory; use read-file to read a file.',
          context: { tool: this.name },
        });
      }
      const asker = { tool: this.name, shown: input.path };
      truncated = await withConfinedDirectory(this.root, target.absolute, asker, async (directory) => {
        const walk = walkDirectory(directory, {
          relative: target.relative,
          recursive: input.recursive,
          maxDepth: this.config.maxDepth,
          signal: context.signal,
        });
        for await (const entry of walk) {
          if (entries.length >= this.config.maxEntries) return true;
          const listed: JsonObject = { path: entry.relative, type: entry.type };
          if (entry.type === 'file') listed.size = (await lstat(entry.absolute)).size;
          entries.push(listed);
        }
        return false;
      });
    } catch (error) {
      if (context.signal.aborted) throw abortedError(context.signal, this.name);
      throw fileError(error, this.name, target.relative);
    }
    return { path: target.relative, entries, truncated };
  }
}
