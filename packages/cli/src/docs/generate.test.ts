import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_DIR } from '../__fixtures__/cli-harness.js';
import { generatedPages } from './generate.js';

describe('generated reference docs', () => {
  it.each(generatedPages().map((page) => [page.file, page.content]))(
    '%s matches the code (regenerate with: npm run docs -w @agentry/cli)',
    (file, content) => {
      expect(readFileSync(path.join(REPO_DIR, file), 'utf8')).toBe(content);
    },
  );

  it('the CLI page documents every command with its examples', () => {
    const cli = generatedPages().find((page) => page.file.endsWith('cli.md'))!.content;
    for (const command of [
      'run',
      'resume',
      'runs show',
      'events',
      'validate',
      'config explain',
      'plugins',
      'schema',
    ]) {
      expect(cli).toContain(`## agentry ${command}\n`);
    }
    expect(cli.match(/Examples:/g)?.length).toBeGreaterThanOrEqual(12);
  });

  it('the config page has a table for agents and for models', () => {
    const config = generatedPages().find((page) => page.file.endsWith('config.md'))!.content;
    expect(config).toContain('## `agents.<name>`');
    expect(config).toMatch(/\| `durable` \| boolean \|/);
    expect(config).toContain('## `models.<name>`');
  });
});

describe('docs links', () => {
  it.each([
    'docs/README.md',
    'docs/architecture.md',
    'docs/guides/getting-started.md',
    'docs/guides/yaml-agents.md',
    'docs/guides/writing-a-plugin.md',
    'docs/guides/approvals.md',
    'docs/guides/durable-runs.md',
    'docs/guides/embedding.md',
    'docs/guides/redis-postgres.md',
    'docs/guides/console.md',
    'docs/guides/deployment.md',
    'docs/guides/running-on-their-own.md',
    'docs/reference/triggers.md',
    'docs/guides/testing.md',
    'docs/reference/events.md',
    'examples/quickstart/README.md',
  ])('every relative link of %s points at a file that exists', (page) => {
    const text = readFileSync(path.join(REPO_DIR, page), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((match) => match[1]!);
    const missing = targets
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => !existsSync(path.resolve(path.dirname(path.join(REPO_DIR, page)), target)));
    expect(missing).toEqual([]);
  });
});
