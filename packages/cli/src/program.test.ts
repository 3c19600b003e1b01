import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { Collector, cli } from './__fixtures__/cli-harness.js';
import { CliContext } from './context.js';
import { completeIo } from './io.js';
import { createProgram } from './program.js';

function allCommands(command: Command, path: string[] = []): string[][] {
  return command.commands.flatMap((child) => [
    [...path, child.name()],
    ...allCommands(child, [...path, child.name()]),
  ]);
}

const program = createProgram(
  new CliContext(completeIo({ stdout: new Collector(), stderr: new Collector() })),
  {
    code: 0,
  },
);
const commandPaths = allCommands(program).filter((path) => !path.includes('help'));

describe('agentry --help', () => {
  it.each(commandPaths.map((path) => [path.join(' '), path]))(
    '"%s --help" shows examples and exits 0',
    async (_name, path) => {
      const result = await cli([...(path as string[]), '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: agentry ${(path as string[]).join(' ')}`);
      expect(result.stdout).toContain('Examples:');
      expect(result.stdout).toMatch(/\$ agentry /);
    },
  );

  it('the root help lists the commands and the exit codes', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    for (const name of [
      'run',
      'resume',
      'runs',
      'events',
      'validate',
      'plugins',
      'schema',
      'config',
      'doctor',
      'init',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`\\n  ${name} `));
    }
    expect(result.stdout).toContain('3 suspended');
  });
});

describe('usage errors', () => {
  it('an unknown command exits 2 with a suggestion', async () => {
    const result = await cli(['valdate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'valdate'");
    expect(result.stderr).toContain('validate');
  });

  it('an unknown option exits 2', async () => {
    const result = await cli(['plugins', '--knd', 'memory']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--knd'");
  });

  it('no command shows the help on stderr and exits 2', async () => {
    const result = await cli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: agentry');
  });

  it('agentry help [command…] prints the help of agentry or of a (nested) command on stdout', async () => {
    const root = await cli(['help']);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/^Usage: agentry \[options\] \[command\]/);
    expect(root.stdout).toMatch(/\n {2}help \[command\.\.\.\] /);
    const run = await cli(['help', 'run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: agentry run /);
    const nested = await cli(['help', 'runs', 'show']);
    expect(nested.stdout).toMatch(/^Usage: agentry runs show /);
  });

  it('agentry help with a misspelt command exits 2 with a did-you-mean', async () => {
    const result = await cli(['help', 'valdate']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('agentry has no command "valdate". Did you mean "validate"?');
  });

  it('--version prints the package version', async () => {
    const result = await cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('agentry completion', () => {
  it.each(['bash', 'zsh', 'fish'])('%s completes commands and their options', async (shell) => {
    const result = await cli(['completion', shell]);
    expect(result.code).toBe(0);
    for (const word of ['validate', 'resume', '--approve', 'show']) expect(result.stdout).toContain(word);
  });

  it('a bash script that bash accepts', async () => {
    const { spawnSync } = await import('node:child_process');
    const result = await cli(['completion', 'bash']);
    const check = spawnSync('bash', ['-n'], { input: result.stdout, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('no shell is a usage error that lists the shells', async () => {
    const result = await cli(['completion']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bash, zsh, fish');
  });

  it('an unknown shell is a usage error', async () => {
    const result = await cli(['completion', 'fishh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Did you mean "fish"?');
  });
});

describe('error blocks', () => {
  it('an unexpected error says what failed, and shows the stack only with --verbose', async () => {
    const quiet = await cli(['schema', '--out', '/nonexistent-dir/agentry.schema.json']);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toContain('ENOENT');
    expect(quiet.stderr).toContain('--verbose');
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    const verbose = await cli(['--verbose', 'schema', '--out', '/nonexistent-dir/agentry.schema.json']);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('never prints a secret from the environment, even inside an error message', async () => {
    const secret = 'sk-live-0123456789abcdef';
    const result = await cli(['validate', '--config', `${secret}.yaml`], { env: { OPENAI_API_KEY: secret } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[redacted]');
    expect(result.stderr).not.toContain(secret);
  });

  it('in --json mode the error is also one JSON document on stdout', async () => {
    const result = await cli(['plugins', '--kind', 'nope', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'cli.usage' } });
    expect(result.stderr).toContain('Unknown plugin kind');
  });
});

describe('colours', () => {
  it('only on a terminal, and never with NO_COLOR', async () => {
    const forced = await cli(['plugins', '--kind', 'store'], {
      tty: true,
      env: { FORCE_COLOR: '1', NO_COLOR: undefined },
    });
    expect(forced.stdout).toContain('\u001b[');
    const noColor = await cli(['plugins', '--kind', 'store'], { tty: true, env: { NO_COLOR: '1' } });
    expect(noColor.stdout).not.toContain('\u001b[');
    const piped = await cli(['plugins', '--kind', 'nope']);
    expect(piped.stderr).not.toContain('\u001b[');
  });
});
