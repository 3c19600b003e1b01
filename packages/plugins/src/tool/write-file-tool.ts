/** `write-file` tool: writes a text file inside a configured root, atomically (temp file + rename). */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { definePlugin, type JsonObject, type ToolContext, ToolError } from '@agentry/core';
import { z } from 'zod';
import { ConfiguredTool, createInRoot } from './configured-tool.js';
import { type ConfinedDirectory, openConfined, openDirectoryInRoot } from './confined-fs.js';
import { confinePath } from './path-guard.js';
import { commonToolConfig, fileError } from './tool-support.js';

const configSchema = z.object({
  ...commonToolConfig,
  root: z.string().min(1).describe('Directory the tool may write into; relative to the config file.'),
  maxBytes: z
    .number()
    .int()
    .positive()
    .max(64 * 1024 * 1024)
    .default(1024 * 1024)
    .describe('Largest content (UTF-8 bytes) one call may write.'),
  createDirectories: z.boolean().default(true).describe('Create missing parent directories inside the root.'),
});

/** Config of `write-file`. */
export type WriteFileToolConfig = z.output<typeof configSchema>;

const inputSchema = z.object({
  path: z
    .string()
    .describe('File path relative to the workspace root, with "/" separators, e.g. "out/report.md".'),
  content: z.string().describe('The complete new content of the file (UTF-8). Replaces what was there.'),
});

/** Arguments of `write-file`. */
export type WriteFileInput = z.output<typeof inputSchema>;

/**
 * Replaces a file's content inside `root`. Idempotent: the same call twice leaves the same file. The new
 * content is written to a temp file next to the target and renamed over it, so readers never see half a file.
 * The parent directory is opened from the root one component at a time (missing ones are created inside
 * their verified parent) and checked to lie inside the root; the temp file is created and renamed through
 * that open directory, so a directory swapped for a symlink meanwhile cannot redirect the write.
 */
export class WriteFileTool extends ConfiguredTool<WriteFileInput, JsonObject> {
  static readonly plugin = definePlugin({
    kind: 'tool',
    name: 'write-file',
    description: 'Writes a text file inside a configured root directory (atomic replace)',
    configSchema,
    create: createInRoot(
      'write-file',
      (config: WriteFileToolConfig, root) => new WriteFileTool(config, root),
    ),
  });

  readonly input = inputSchema;
  readonly sideEffects = 'idempotent' as const;

  /** @param root real path of the root directory */
  constructor(
    private readonly config: WriteFileToolConfig,
    private readonly root: string,
  ) {
    super(config, {
      name: 'write-file',
      description: `Creates or replaces a UTF-8 text file in the workspace with the given content (at most ${config.maxBytes} bytes).`,
      approval: 'never',
    });
  }

  async execute(input: WriteFileInput, context: ToolContext): Promise<JsonObject> {
    this.throwIfAborted(context.signal);
    const bytes = Buffer.byteLength(input.content, 'utf8');
    if (bytes > this.config.maxBytes) {
      throw new ToolError('tool.policy_denied', {
        message: `${this.name}: content is ${bytes} bytes, more than the limit of ${this.config.maxBytes}`,
        hint: 'Write smaller files, or split the content over several files.',
        context: { tool: this.name },
      });
    }
    const target = await confinePath(this.root, input.path, this.name);
    if (target.absolute === this.root) {
      throw new ToolError('tool.policy_denied', {
        message: `${this.name}: "${input.path}" is the root directory itself`,
        hint: 'Name a file inside the root, e.g. "notes.txt".',
        context: { tool: this.name },
      });
    }
    const directory = path.dirname(target.absolute);
    const name = path.basename(target.absolute);
    const temp = `.${name}.${randomBytes(6).toString('hex')}.tmp`;
    const asker = { tool: this.name, shown: input.path };
    let parent: ConfinedDirectory | undefined;
    try {
      const relativeDirectory = path.relative(this.root, directory).split(path.sep).join('/');
      parent = await openDirectoryInRoot(this.root, relativeDirectory, this.config.createDirectories, asker);
      if (target.exists && !(await lstat(parent.child(name))).isFile()) {
        throw new ToolError('tool.failed', {
          message: `${this.name}: "${target.relative}" exists and is not a regular file`,
          hint: 'Pick a file name that is not a directory.',
          context: { tool: this.name },
        });
      }
      this.throwIfAborted(context.signal);
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
      const handle = await openConfined(this.root, parent.child(temp), flags, asker, 0o644);
      try {
        await handle.writeFile(input.content, 'utf8');
      } finally {
        await handle.close();
      }
      await parent.verify();
      await rename(parent.child(temp), parent.child(name));
      return { path: target.relative, bytes, created: !target.exists };
    } catch (error) {
      if (parent) await rm(parent.child(temp), { force: true }).catch(() => undefined);
      throw fileError(error, this.name, target.relative);
    } finally {
      await parent?.close();
    }
  }
}
