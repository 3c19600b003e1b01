/** The builtins that need a server (Redis, PostgreSQL), selected by name in YAML; each group skips without its URL. */
import { describe, it } from 'vitest';
import { inProject } from './__fixtures__/builtins-yaml/harness.js';
import { SERVER_CASE_ENV, SERVER_CASES } from './__fixtures__/builtins-yaml/server-cases.js';

const rowsNeeding = (variable: string) =>
  Object.keys(SERVER_CASES).filter((key) => SERVER_CASE_ENV[key] === variable);

describe.skipIf(!process.env.REDIS_URL)('Redis builtins through YAML (needs REDIS_URL)', () => {
  it.each(rowsNeeding('REDIS_URL'))('%s', (key) => inProject(key, SERVER_CASES[key]!));
});

describe.skipIf(!process.env.DATABASE_URL)('PostgreSQL builtins through YAML (needs DATABASE_URL)', () => {
  it.each(rowsNeeding('DATABASE_URL'))('%s', (key) => inProject(key, SERVER_CASES[key]!));
});
