/** NdjsonFileEventBus: append-only NDJSON run logs with redaction, filters, per-run files and an inner bus. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { AnyAgentryEvent } from '@agentry/core';
import { describeEventBusConformance } from '@agentry/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  busDeps,
  event,
  RUN_USAGE,
  recordingLogger,
  simpleRedactor,
} from './__fixtures__/bus-test-support.js';
import { NdjsonFileEventBus } from './ndjson-file-event-bus.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'agentry-ndjson-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function lines(path: string): Promise<AnyAgentryEvent[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AnyAgentryEvent);
}

describeEventBusConformance({
  name: 'ndjson-file',
  create: () =>
    new NdjsonFileEventBus({
      path: join(directory, 'conformance', '{runId}.ndjson'),
      logger: recordingLogger(),
    }),
});

describe('NdjsonFileEventBus', () => {
  it('appends one JSON line per event in publish order, with secrets redacted', async () => {
    const redactor = simpleRedactor();
    redactor.addSecret('sk-live-supersecret');
    const path = join(directory, 'nested', 'run.ndjson');
    const bus = new NdjsonFileEventBus({ path, redactor });
    const events = [
      event('run.started', { input: 'use key sk-live-supersecret please', durable: false }),
      event('step.started', { step: 1 }),
      event('tool.requested', {
        callId: 'c1',
        tool: 'http',
        input: { header: 'Bearer sk-live-supersecret' },
      }),
    ];
    await Promise.all(events.map((item) => bus.publish(item)));
    await bus.close();
    const written = await lines(path);
    expect(written.map((item) => item.seq)).toEqual(events.map((item) => item.seq));
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('sk-live-supersecret');
    expect(written[0]).toMatchObject({ type: 'run.started', data: { input: 'use key [redacted] please' } });
  });

  it('keeps earlier lines when a new bus appends to the same file', async () => {
    const path = join(directory, 'log.ndjson');
    const first = new NdjsonFileEventBus({ path });
    await first.publish(event('step.started', { step: 1 }));
    await first.close();
    const second = new NdjsonFileEventBus({ path });
    await second.publish(event('step.started', { step: 2 }));
    await second.close();
    expect((await lines(path)).map((item) => item.type === 'step.started' && item.data.step)).toEqual([1, 2]);
  });

  it('filters event types with include and exclude globs', async () => {
    const path = join(directory, 'filtered.ndjson');
    const bus = new NdjsonFileEventBus({ path, include: ['model.*', 'run.*'], exclude: ['model.delta'] });
    await bus.publish(event('run.started', { input: 'hi', durable: false }));
    await bus.publish(event('model.delta', { step: 1, text: 'He' }));
    await bus.publish(event('model.requested', { step: 1, messages: 2, tools: 0 }));
    await bus.publish(event('step.started', { step: 1 }));
    await bus.close();
    expect((await lines(path)).map((item) => item.type)).toEqual(['run.started', 'model.requested']);
  });

  it('writes one file per run with {runId}, and appends again when a finished run resumes', async () => {
    const bus = new NdjsonFileEventBus({ path: join(directory, 'runs', '{runId}.ndjson') });
    await bus.publish(event('run.started', { input: 'a', durable: true }, { runId: 'run_a' }));
    await bus.publish(event('run.started', { input: 'b', durable: true }, { runId: 'run_b' }));
    await bus.publish(
      event('run.suspended', { stopReason: 'awaiting_approval', pending: [] }, { runId: 'run_a' }),
    );
    await bus.publish(
      event('run.resumed', { attempt: 1, fromStep: 1, reason: 'decision' }, { runId: 'run_a' }),
    );
    await bus.publish(event('run.completed', { output: 'done', usage: RUN_USAGE }, { runId: 'run_a' }));
    await bus.close();
    expect((await lines(join(directory, 'runs', 'run_a.ndjson'))).map((item) => item.type)).toEqual([
      'run.started',
      'run.suspended',
      'run.resumed',
      'run.completed',
    ]);
    expect((await lines(join(directory, 'runs', 'run_b.ndjson'))).map((item) => item.type)).toEqual([
      'run.started',
    ]);
  });

  it('keeps path placeholders inside their directory', () => {
    const bus = new NdjsonFileEventBus({ path: join(directory, '{runId}.ndjson') });
    const path = bus.pathFor({ runId: '../../etc/passwd', sessionId: 's', agentId: 'a' });
    expect(dirname(path)).toBe(directory);
    expect(basename(path)).toBe('.._.._etc_passwd.ndjson');
  });

  it('logs a write failure without breaking publish or the subscribers', async () => {
    const logger = recordingLogger();
    const bus = new NdjsonFileEventBus({ path: directory, logger });
    const seen: string[] = [];
    bus.onAny((item) => void seen.push(item.type));
    await expect(bus.publish(event('step.started', { step: 1 }))).resolves.toBeUndefined();
    expect(seen).toEqual(['step.started']);
    expect(logger.warnings.join('\n')).toMatch(/could not record "step.started"/);
    await bus.close();
  });

  it('is created from config: path relative to baseDir, inner bus loaded as a nested slot, secrets from deps', async () => {
    const redactor = simpleRedactor();
    redactor.addSecret('hunter2-secret');
    const deps = busDeps({ baseDir: directory, redactor });
    const bus = await NdjsonFileEventBus.plugin.create(
      NdjsonFileEventBus.plugin.configSchema.parse({ path: 'logs/events.ndjson', inner: { type: 'mitt' } }),
      deps,
    );
    expect(deps.loads).toEqual([{ slot: { type: 'mitt' }, path: ['inner'] }]);
    const received: string[] = [];
    bus.on('run.started', (item) => void received.push(item.data.input));
    await bus.publish(event('run.started', { input: 'pw hunter2-secret', durable: false }));
    await bus.close?.();
    expect(received).toEqual(['pw hunter2-secret']);
    const written = await lines(join(directory, 'logs', 'events.ndjson'));
    expect(written[0]).toMatchObject({ data: { input: 'pw [redacted]' } });
  });

  it('defaults the inner bus to mitt and rejects unknown config keys', async () => {
    const deps = busDeps({ baseDir: directory });
    await NdjsonFileEventBus.plugin.create(
      NdjsonFileEventBus.plugin.configSchema.parse({ path: 'x.ndjson' }),
      deps,
    );
    expect(deps.loads[0]?.slot).toBe('mitt');
    expect(NdjsonFileEventBus.plugin.configSchema.safeParse({ path: 'x', pth: 'y' }).success).toBe(false);
    expect(NdjsonFileEventBus.plugin).toMatchObject({ kind: 'event-bus', name: 'ndjson-file' });
  });
});
