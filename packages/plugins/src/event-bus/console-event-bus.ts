/** `console` event bus: a live, human-readable view of runs on stderr (one line per event), then forwards events. */
import { type AnyAgentryEvent, definePlugin, type EventBus, type Logger, type Redactor } from '@agentry/core';
import { z } from 'zod';
import { formatEventLine } from './console-event-format.js';
import {
  eventFilterShape,
  eventTypeFilter,
  innerSlotSchema,
  loadInner,
  WrappingEventBus,
} from './wrapping-event-bus.js';

/** When to colour the output. */
export type ColorMode = 'auto' | 'always' | 'never';

const configSchema = z
  .object({
    color: z
      .enum(['auto', 'always', 'never'])
      .default('auto')
      .describe('auto: colours only on a TTY and when NO_COLOR is unset'),
    include: eventFilterShape.include,
    exclude: z
      .array(z.string().min(1))
      .default(['model.delta'])
      .describe('Event types matching one of these globs are not printed (default: model.delta)'),
    inner: innerSlotSchema.optional(),
  })
  .strict()
  .describe('Prints one line per event to stderr and forwards events to the inner bus');

/** Where the console bus writes; `process.stderr` by default. */
export interface ConsoleOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Options of `new ConsoleEventBus(...)`. */
export interface ConsoleEventBusOptions {
  output?: ConsoleOutput;
  color?: ColorMode;
  include?: readonly string[];
  /** Default `['model.delta']`; pass `[]` to print every event. */
  exclude?: readonly string[];
  /** Env to read NO_COLOR from (default `process.env`). */
  env?: Record<string, string | undefined>;
  redactor?: Redactor;
  inner?: EventBus;
  logger?: Logger;
}

/** True when output should be coloured: `always`, or `auto` on a TTY without NO_COLOR. */
export function shouldColor(
  mode: ColorMode,
  output: ConsoleOutput,
  env: Record<string, string | undefined>,
): boolean {
  if (mode !== 'auto') return mode === 'always';
  return output.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

/**
 * Live view of runs: `HH:MM:SS.mmm <run id short> <type> <key data>`, one
 * line per event, written to stderr (stdout stays free for a run's output).
 * Streamed text deltas are skipped unless `exclude` says otherwise. Lines
 * pass the redactor.
 *
 * @example
 * ```yaml
 * events: { type: console, config: { inner: { type: ndjson-file, config: { path: run.ndjson } } } }
 * ```
 */
export class ConsoleEventBus extends WrappingEventBus {
  static readonly plugin = definePlugin({
    kind: 'event-bus',
    name: 'console',
    description: 'Prints one human-readable line per event to stderr',
    configSchema,
    create: async (config, deps) =>
      new ConsoleEventBus({
        color: config.color,
        ...(config.include === undefined ? {} : { include: config.include }),
        exclude: config.exclude,
        redactor: deps.redactor,
        logger: deps.logger,
        inner: await loadInner(deps, config.inner),
      }),
  });

  readonly name = 'console';
  readonly #output: ConsoleOutput;
  readonly #colour: boolean;
  readonly #accepts: (type: string) => boolean;
  readonly #redactor: Redactor | undefined;

  constructor(options: ConsoleEventBusOptions = {}) {
    super(options);
    this.#output = options.output ?? process.stderr;
    this.#colour = shouldColor(options.color ?? 'auto', this.#output, options.env ?? process.env);
    this.#accepts = eventTypeFilter({
      ...(options.include === undefined ? {} : { include: options.include }),
      exclude: options.exclude ?? ['model.delta'],
    });
    this.#redactor = options.redactor;
  }

  protected override record(event: AnyAgentryEvent): void {
    if (!this.#accepts(event.type)) return;
    const line = formatEventLine(event, this.#colour);
    this.#output.write(`${this.#redactor ? this.#redactor.redactText(line) : line}\n`);
  }
}
