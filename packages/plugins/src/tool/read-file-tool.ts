/** `read-file` tool: reads a text file inside a configured root, up to a size cap. */
import { constants } from 'node:fs';
import { definePlugin, type JsonObject, type ToolContext, ToolError } from '@agentry/core';
import { z } from 'zod';
import { ConfiguredTool, createInRoot } from './configured-tool.js';
import { openConfined } from './confined-fs.js';
import { confinePath } from './path-guard.js';
import { commonToolConfig, fileError } from './tool-support.js';

const configSchema = z.object({
  ...commonToolConfig,
  root: z.string().min(1).describe('Directory the tool may read from; relative to the config file.'),
  maxBytes: z
    .number()
    .int()
    .positive()
    .max(64 * 1024 * 1024)
    .default(1024 * 1024)
    .describe('Largest number of bytes returned per call; longer files are cut and marked `truncated`.'),
});

/** Config of `read-file`. */
export type ReadFileToolConfig = z.output<typeof configSchema>;

const inputSchema = z.object({
  path: z
    .string()
    .describe('File path relative to the workspace root, with "/" separators, e.g. "notes/todo.md".'),
  offset: z.number().int().min(0).default(0).describe('Byte offset to start reading at (for long files).'),
});

/** Arguments of `read-file`. */
export type ReadFileInput = z.output<typeof inputSchema>;

/** Reads UTF-8 text files confined to `root`. */
export class ReadFileTool extends ConfiguredTool<ReadFileInput, JsonObject> {
  static readonly plugin = definePlugin({
    kind: 'tool',
    name: 'read-file',
    description: 'Reads a text file inside a configured root directory',
    configSchema,
    create: createInRoot('read-file', (config: ReadFileToolConfig, root) => new ReadFileTool(config, root)),
  });

  readonly input = inputSchema;
  readonly sideEffects = 'none' as const;

  /** @param root real path of the root directory */
  constructor(
    private readonly config: ReadFileToolConfig,
    private readonly root: string,
  ) {
    super(config, {
      name: 'read-file',
      description: `Reads a UTF-8 text file from the workspace (at most ${config.maxBytes} bytes per call; use offset for more).`,
      approval: 'never',
    });
  }

  async execute(input: ReadFileInput, context: ToolContext): Promise<JsonObject> {
    this.throwIfAborted(context.signal);
    const target = await confinePath(this.root, input.path, this.name);
    let handle: Awaited<ReturnType<typeof openConfined>> | undefined;
    try {
      // Opened, then verified where it really is (a symlink swapped in since the check is refused); O_NONBLOCK: FIFOs.
      handle = await openConfined(this.root, target.absolute, constants.O_RDONLY | constants.O_NONBLOCK, {
        tool: this.name,
        shown: input.path,
      });
      const stats = await handle.stat();
      if (!stats.isFile()) {
        throw new ToolError('tool.failed', {
          message: `${this.name}: "${target.relative}" is not a regular file`,
          hint: 'Use list-files to see what a directory holds.',
          context: { tool: this.name },
        });
      }
      const length = Math.max(0, Math.min(this.config.maxBytes, stats.size - input.offset));
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, input.offset);
      this.throwIfAborted(context.signal);
      return {
        path: target.relative,
        content: buffer.subarray(0, bytesRead).toString('utf8'),
        size: stats.size,
        offset: input.offset,
        truncated: input.offset + bytesRead < stats.size,
      };
    } catch (error) {
      throw fileError(error, this.name, target.relative);
    } finally {
      await handle?.close();
    }
  }
}
