/** Writes (or checks) the generated reference pages: docs/reference/cli.md and docs/reference/config.md. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliContext } from '../context.js';
import { configJsonSchema } from '../core-api.js';
import { completeIo } from '../io.js';
import { createProgram } from '../program.js';
import { cliReference } from './cli-reference.js';
import { configReference } from './config-reference.js';

/** One generated page: where it goes and what it holds. */
export interface GeneratedPage {
  /** Path relative to the repository root. */
  file: string;
  content: string;
}

/** The generated pages, from the current command tree and config schema. */
export function generatedPages(): GeneratedPage[] {
  const quiet = { write: () => true };
  const program = createProgram(new CliContext(completeIo({ stdout: quiet, stderr: quiet, env: {} })), {
    code: 0,
  });
  return [
    { file: 'docs/reference/cli.md', content: cliReference(program) },
    { file: 'docs/reference/config.md', content: configReference(configJsonSchema()) },
  ];
}

/** Writes the pages under `repoRoot`; with `check`, only returns those whose file differs. */
export async function generateDocs(repoRoot: string, options: { check?: boolean } = {}): Promise<string[]> {
  const changed: string[] = [];
  for (const page of generatedPages()) {
    const target = path.join(repoRoot, page.file);
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current === page.content) continue;
    changed.push(page.file);
    if (options.check !== true) await writeFile(target, page.content);
  }
  return changed;
}
