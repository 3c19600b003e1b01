/** `time` tool: the current time in an IANA time zone, as ISO 8601 with the zone's offset. */
import {
  type Clock,
  definePlugin,
  type JsonObject,
  type PluginDeps,
  type ToolContext,
  ToolError,
} from '@agentry/core';
import { z } from 'zod';
import { ConfiguredTool } from './configured-tool.js';
import { asTool, commonToolConfig } from './tool-support.js';

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const configSchema = z.object({
  ...commonToolConfig,
  defaultTimeZone: z
    .string()
    .refine(isTimeZone, 'not an IANA time zone (e.g. "Europe/Berlin", "UTC")')
    .default('UTC')
    .describe('Time zone used when the model does not name one.'),
});

/** Config of `time`. */
export type TimeToolConfig = z.output<typeof configSchema>;

const inputSchema = z.object({
  timeZone: z
    .string()
    .optional()
    .describe('IANA time zone, e.g. "Europe/Berlin" or "America/New_York"; default UTC.'),
});

/** Arguments of `time`. */
export type TimeInput = z.output<typeof inputSchema>;

/** Wall-clock parts of an instant in a zone, plus its UTC offset in minutes. */
function zonedParts(epochMs: number, timeZone: string) {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    weekday: 'long',
  });
  const parts = Object.fromEntries(
    format.formatToParts(new Date(epochMs)).map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offsetMinutes = Math.round((wall - Math.floor(epochMs / 1000) * 1000) / 60_000);
  return { parts, offsetMinutes };
}

function formatOffset(minutes: number): string {
  if (minutes === 0) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
}

/** Tells the current date and time in a time zone. */
export class TimeTool extends ConfiguredTool<TimeInput, JsonObject> {
  static readonly plugin = definePlugin({
    kind: 'tool',
    name: 'time',
    description: 'Tells the current date and time in an IANA time zone',
    configSchema,
    create: (config: TimeToolConfig, deps: PluginDeps) => asTool(new TimeTool(config, deps.clock)),
  });

  readonly input = inputSchema;
  readonly sideEffects = 'none' as const;

  constructor(
    private readonly config: TimeToolConfig = configSchema.parse({}),
    private readonly clock: Clock = { now: () => Date.now() },
  ) {
    super(config, {
      name: 'time',
      description: 'Returns the current date and time (ISO 8601) in a given IANA time zone.',
      approval: 'never',
    });
  }

  execute(input: TimeInput, context: ToolContext): JsonObject {
    this.throwIfAborted(context.signal);
    const timeZone = input.timeZone ?? this.config.defaultTimeZone;
    if (!isTimeZone(timeZone)) {
      throw new ToolError('tool.input_invalid', {
        message: `${this.name}: "${timeZone}" is not an IANA time zone`,
        hint: 'Use a name like "Europe/Berlin", "Asia/Tokyo", "America/New_York" or "UTC".',
        context: { tool: this.name },
      });
    }
    const epochMs = this.clock.now();
    const { parts, offsetMinutes } = zonedParts(epochMs, timeZone);
    const millis = String(((epochMs % 1000) + 1000) % 1000).padStart(3, '0');
    const iso = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${millis}${formatOffset(offsetMinutes)}`;
    return {
      iso,
      utc: new Date(epochMs).toISOString(),
      timeZone,
      offset: formatOffset(offsetMinutes) === 'Z' ? '+00:00' : formatOffset(offsetMinutes),
      weekday: parts.weekday ?? '',
      epochMs,
    };
  }
}
