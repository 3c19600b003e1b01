/** `search-files` tool: substring or regex search over text files inside a configured root, with result caps. */
import { constants } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { definePlugin, type JsonObject, type ToolContext, ToolError } from '@agentry/core';
import { z } from 'zod';
import { ConfiguredTool, createInRoot } from './configured-tool.js';
import { type Asker, openConfined, withConfinedDirectory } from './confined-fs.js';
import { confinePath } from './path-guard.js';
import { abortedError, commonToolConfig, fileError } from './tool-support.js';
import { type WalkEntry, walkDirectory } from './walk-directory.js';

const configSchema = z.object({
  ...commonToolConfig,
  root: z.string().min(1).describe('Directory the tool may search; relative to the config file.'),
  maxResults: z
    .number()
    .int()
    .positive()
    .max(10_000)
    .default(200)
    .describe('Most matching lines returned per call.'),
  maxFiles: z.number().int().positive().max(1_000_000).default(5000).describe('Most files read per call.'),
  maxFileBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024)
    .describe('Files larger than this are skipped.'),
  maxDepth: z.number().int().positive().max(64).default(16).describe('Deepest directory level searched.'),
});

/** Config of `search-files`. */
export type SearchFilesToolConfig = z.output<typeof configSchema>;

const inputSchema = z.object({
  query: z
    .string()
    .min(1)
    .max(500)
    .describe('Text to look for (or a JavaScript regular expression if `regex` is true).'),
  regex: z.boolean().default(false).describe('Treat `query` as a regular expression.'),
  caseSensitive: z.boolean().default(false).describe('Match upper/lower case exactly.'),
  path: z.string().default('.').describe('Directory (or file) to search, relative to the workspace root.'),
  maxResults: z.number().int().positive().optional().describe('Return at most this many matches.'),
});

/** Arguments of `search-files`. */
export type SearchFilesInput = z.output<typeof inputSchema>;

const MAX_LINE = 400;

/** Searches text files confined to `root`; symlinks are not followed, binary files are skipped. */
export class SearchFilesTool extends ConfiguredTool<SearchFilesInput, JsonObject> {
  static readonly plugin = definePlugin({
    kind: 'tool',
    name: 'search-files',
    description: 'Searches text files inside a configured root directory',
    configSchema,
    create: createInRoot(
      'search-files',
      (config: SearchFilesToolConfig, root) => new SearchFilesTool(config, root),
    ),
  });

  readonly input = inputSchema;
  readonly sideEffects = 'none' as const;

  /** @param root real path of the root directory */
  constructor(
    private readonly config: SearchFilesToolConfig,
    private readonly root: string,
  ) {
    super(config, {
      name: 'search-files',
      description:
        'Finds lines containing a text (or matching a regular expression) in the workspace files; returns path, line number and line.',
      approval: 'never',
    });
  }

  private matcher(input: SearchFilesInput): (line: string) => boolean {
    if (!input.regex) {
      const needle = input.caseSensitive ? input.query : input.query.toLowerCase();
      return (line) => (input.caseSensitive ? line : line.toLowerCase()).includes(needle);
    }
    let pattern: RegExp;
    try {
      pattern = new RegExp(input.query, input.caseSensitive ? 'u' : 'iu');
    } catch (error) {
      throw new ToolError('tool.input_invalid', {
        message: `${this.name}: invalid regular expression: ${(error as Error).message}`,
        hint: 'Fix the expression, or set regex: false to search for the literal text.',
        context: { tool: this.name },
      });
    }
    return (line) => pattern.test(line);
  }

  async execute(input: SearchFilesInput, context: ToolContext): Promise<JsonObject> {
    this.throwIfAborted(context.signal);
    const matches = this.matcher(input);
    const target = await confinePath(this.root, input.path, this.name);
    const limit = Math.min(input.maxResults ?? this.config.maxResults, this.config.maxResults);
    const results: JsonObject[] = [];
    let filesSearched = 0;
    let truncated = false;
    const asker = { tool: this.name, shown: input.path };
    const searchEntries = async (files: AsyncIterable<WalkEntry>): Promise<void> => {
      for await (const entry of files) {
        if (entry.type !== 'file') continue;
        if (filesSearched >= this.config.maxFiles) {
          truncated = true;
          return;
        }
        const content = await readSmallFile(this.root, entry.absolute, this.config.maxFileBytes, asker);
        if (content === undefined) continue;
        filesSearched += 1;
        if (content.includes(0)) continue;
        const lines = content.toString('utf8').split('\n');
        for (const [index, line] of lines.entries()) {
          const shown = line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
          if (!matches(shown)) continue;
          if (results.length >= limit) {
            truncated = true;
            return;
          }
          results.push({ path: entry.relative, line: index + 1, text: shown });
        }
        this.throwIfAborted(context.signal);
      }
    };
    try {
      const stats = await lstat(target.absolute);
      if (!stats.isDirectory()) {
        await searchEntries(single(target.absolute, target.relative, stats.isFile()));
      } else {
        await withConfinedDirectory(this.root, target.absolute, asker, (directory) =>
          searchEntries(
            walkDirectory(directory, {
              relative: target.relative,
              recursive: true,
              maxDepth: this.config.maxDepth,
              signal: context.signal,
            }),
          ),
        );
      }
    } catch (error) {
      if (context.signal.aborted) throw abortedError(context.signal, this.name);
      throw fileError(error, this.name, target.relative);
    }
    return { matches: results, filesSearched, truncated };
  }
}

async function* single(absolute: string, relative: string, isFile: boolean) {
  yield { absolute, relative, type: isFile ? ('file' as const) : ('other' as const) };
}

/**
 * Reads a regular file of at most `maxBytes`; `undefined` for anything else. The file is opened (never through
 * a final symlink), then verified inside the root, so one swapped in after the directory was listed is not
 * read; O_NONBLOCK: a FIFO cannot hang the search.
 */
async function readSmallFile(
  root: string,
  absolute: string,
  maxBytes: number,
  asker: Asker,
): Promise<Buffer | undefined> {
  const handle = await openConfined(root, absolute, constants.O_RDONLY | constants.O_NONBLOCK, asker);
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size > maxBytes) return undefined;
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
