/** `ndjson-file` event bus: appends every event as one JSON line to a run log file, secrets redacted, then forwards it. */
import { mkdir, open } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type AnyAgentryEvent, definePlugin, type EventBus, type Logger, type Redactor } from '@agentry/core';
import { z } from 'zod';
import {
  eventFilterShape,
  eventTypeFilter,
  innerSlotSchema,
  loadInner,
  WrappingEventBus,
} from './wrapping-event-bus.js';

const configSchema = z
  .object({
    path: z
      .string()
      .min(1)
      .describe(
        'Log file, relative to the config file. `{runId}`, `{sessionId}` and `{agentId}` make one file per run/session/agent, e.g. .agentry/runs/{runId}.ndjson',
      ),
    ...eventFilterShape,
    inner: innerSlotSchema.optional(),
  })
  .strict()
  .describe('Appends events to an NDJSON file and forwards them to the inner bus');

/** Options of `new NdjsonFileEventBus(...)`. */
export interface NdjsonFileEventBusOptions {
  /** Absolute path, or relative to the working directory; may hold `{runId}`, `{sessionId}`, `{agentId}`. */
  path: string;
  include?: readonly string[];
  exclude?: readonly string[];
  /** Removes secrets from each event before it is written. */
  redactor?: Redactor;
  inner?: EventBus;
  logger?: Logger;
}

interface OpenFile {
  /** Resolves to the handle; every write chains on `queue` so lines keep publish order. */
  queue: Promise<import('node:fs/promises').FileHandle>;
}

const TERMINAL = new Set(['run.completed', 'run.failed', 'run.cancelled', 'run.suspended']);

/** Keeps placeholder values inside one path segment. */
function segment(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || safe === '.' || safe === '..' ? '_' : safe;
}

/**
 * Append-only run log: one JSON object per line, in publish order, each
 * event passed through the redactor first. Files are opened in append mode
 * (parent directories are created); a per-run file is closed when its run
 * completes, fails, is cancelled or suspends, and reopened if the run resumes.
 * A write failure is logged and never breaks the run.
 *
 * @example
 * ```yaml
 * events: { type: ndjson-file, config: { path: .agentry/runs/{runId}.ndjson, exclude: [model.delta] } }
 * ```
 */
export class NdjsonFileEventBus extends WrappingEventBus {
  static readonly plugin = definePlugin({
    kind: 'event-bus',
    name: 'ndjson-file',
    description: 'Appends run events to NDJSON log files (secrets redacted)',
    configSchema,
    create: async (config, deps) =>
      new NdjsonFileEventBus({
        path: isAbsolute(config.path) ? config.path : resolve(deps.baseDir, config.path),
        ...(config.include === undefined ? {} : { include: config.include }),
        ...(config.exclude === undefined ? {} : { exclude: config.exclude }),
        redactor: deps.redactor,
        logger: deps.logger,
        inner: await loadInner(deps, config.inner),
      }),
  });

  readonly name = 'ndjson-file';
  readonly #template: string;
  readonly #perRun: boolean;
  readonly #accepts: (type: string) => boolean;
  readonly #redactor: Redactor | undefined;
  readonly #files = new Map<string, OpenFile>();

  constructor(options: NdjsonFileEventBusOptions) {
    super(options);
    this.#template = resolve(options.path);
    this.#perRun = this.#template.includes('{runId}');
    this.#accepts = eventTypeFilter(options);
    this.#redactor = options.redactor;
  }

  /** The file an event is written to. */
  pathFor(event: Pick<AnyAgentryEvent, 'runId' | 'sessionId' | 'agentId'>): string {
    return this.#template
      .replaceAll('{runId}', segment(event.runId))
      .replaceAll('{sessionId}', segment(event.sessionId))
      .replaceAll('{agentId}', segment(event.agentId));
  }

  protected override record(event: AnyAgentryEvent): Promise<void> | undefined {
    if (!this.#accepts(event.type)) return undefined;
    const line = `${JSON.stringify(this.#redactor ? this.#redactor.redact(event) : event)}\n`;
    const path = this.pathFor(event);
    const file = this.#file(path);
    const previous = file.queue;
    const written = previous.then(async (handle) => {
      await handle.appendFile(line, 'utf8');
      return handle;
    });
    file.queue = written.catch(() => previous);
    file.queue.catch(() => {});
    const done = written.then(() => undefined);
    if (this.#perRun && TERMINAL.has(event.type)) return done.finally(() => this.#closeFile(path));
    return done;
  }

  protected override async release(): Promise<void> {
    await Promise.allSettled([...this.#files.keys()].map((path) => this.#closeFile(path)));
  }

  #file(path: string): OpenFile {
    let file = this.#files.get(path);
    if (file === undefined) {
      const opened = mkdir(dirname(path), { recursive: true }).then(() => open(path, 'a'));
      file = { queue: opened };
      this.#files.set(path, file);
      // A failed open is reported by the write that awaits it; retry on the next event.
      opened.catch(() => {
        if (this.#files.get(path) === file) this.#files.delete(path);
      });
    }
    return file;
  }

  async #closeFile(path: string): Promise<void> {
    const file = this.#files.get(path);
    if (file === undefined) return;
    this.#files.delete(path);
    const handle = await file.queue;
    await handle.close();
  }
}
