/**
 * The durable example's tools, as configurable `tool` plugins: `append_journal` (an unsafe side effect
 * that must never happen twice) and `export_report` (idempotent; it kills its own process on its first
 * attempt, to show a crash in the middle of a tool call).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { definePlugin, defineTool, type Tool } from '@agentry/core';
import { z } from 'zod';

/** Config of both tools: the directory they write into, relative to the config file. */
const workConfig = z.strictObject({
  dir: z.string().min(1).describe('Directory the tools write into; relative to the config file.'),
});

/** One attempt of `export_report`, as recorded in `export-attempts.json`. */
export interface ExportAttempt {
  runId: string;
  callId: string;
  idempotencyKey: string;
  pid: number;
}

/** File names inside the work directory. */
export const FILES = {
  journal: 'journal.log',
  attempts: 'export-attempts.json',
  report: 'report.txt',
} as const;

/** Reads the recorded attempts of `export_report` (empty when none). */
export function readAttempts(dir: string): ExportAttempt[] {
  const file = join(dir, FILES.attempts);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ExportAttempt[]) : [];
}

/** `append_journal`: appends one line per call. Not idempotent, so declared `unsafe`. */
export const journalTool = definePlugin({
  kind: 'tool',
  name: 'journal',
  description: 'Appends an entry to journal.log in the work directory',
  configSchema: workConfig,
  create: (config, deps): Tool => {
    const dir = resolve(deps.baseDir, config.dir);
    const tool = defineTool({
      name: 'append_journal',
      description: 'Appends one entry to the journal.',
      input: z.strictObject({ entry: z.string().min(1).max(500) }),
      sideEffects: 'unsafe',
      execute: ({ entry }, context) => {
        context.signal.throwIfAborted();
        mkdirSync(dir, { recursive: true });
        appendFileSync(join(dir, FILES.journal), `${context.callId}\t${entry}\n`);
        return { appended: entry };
      },
    });
    return tool as Tool;
  },
});

/**
 * `export_report`: writes report.txt. Its first attempt records itself in
 * `export-attempts.json` and then kills its own process with SIGKILL, as a
 * crash would: no cleanup, no last checkpoint. Writing the same file again
 * with the same content is harmless, so it is declared `idempotent` (by
 * default) and the runtime retries it, with the same idempotency key, when
 * the run resumes. Declared `unsafe`, the resumed run suspends instead.
 */
export const exportTool = definePlugin({
  kind: 'tool',
  name: 'export',
  description: 'Writes report.txt; crashes its process on the first attempt',
  configSchema: workConfig.extend({
    sideEffects: z
      .enum(['idempotent', 'unsafe'])
      .default('idempotent')
      .describe('Declare `unsafe` to see a resumed run ask what to do with the interrupted call.'),
  }),
  create: (config, deps): Tool => {
    const dir = resolve(deps.baseDir, config.dir);
    const tool = defineTool({
      name: 'export_report',
      description: 'Exports the named report to report.txt.',
      input: z.strictObject({ name: z.string().min(1).max(100) }),
      sideEffects: config.sideEffects,
      execute: async ({ name }, context) => {
        context.signal.throwIfAborted();
        mkdirSync(dir, { recursive: true });
        const attempts = readAttempts(dir);
        attempts.push({
          runId: context.runId,
          callId: context.callId,
          idempotencyKey: context.idempotencyKey,
          pid: process.pid,
        });
        writeFileSync(join(dir, FILES.attempts), JSON.stringify(attempts, null, 2));
        if (attempts.length === 1) {
          process.kill(process.pid, 'SIGKILL');
          await new Promise(() => {}); // never reached: the process is gone
        }
        writeFileSync(join(dir, FILES.report), `Report ${name} (export ${context.idempotencyKey})\n`);
        return { exported: name, file: FILES.report, attempt: attempts.length };
      },
    });
    return tool as Tool;
  },
});
