import type { Tool } from '@agentry/core';
import { describeToolConformance, makeToolContext } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { TimeTool } from './time-tool.js';

const fixed = { now: () => Date.UTC(2026, 6, 1, 12, 30, 45, 123) };

describeToolConformance({
  name: 'time',
  create: () =>
    TimeTool.plugin.create(TimeTool.plugin.configSchema.parse({}), { clock: fixed } as never) as Tool,
  validInput: { timeZone: 'Asia/Tokyo' },
  invalidInput: { timeZone: 5 },
});

describe('time', () => {
  const tool = new TimeTool(TimeTool.plugin.configSchema.parse({}), fixed);

  it('gives ISO time with the zone offset, including daylight saving and half-hour zones', () => {
    expect(tool.execute({ timeZone: 'Europe/Berlin' }, makeToolContext())).toMatchObject({
      iso: '2026-07-01T14:30:45.123+02:00',
      utc: '2026-07-01T12:30:45.123Z',
      offset: '+02:00',
      weekday: 'Wednesday',
    });
    expect(tool.execute({ timeZone: 'Asia/Kolkata' }, makeToolContext())).toMatchObject({
      iso: '2026-07-01T18:00:45.123+05:30',
    });
    expect(tool.execute({ timeZone: 'America/New_York' }, makeToolContext())).toMatchObject({
      offset: '-04:00',
    });
    expect(tool.execute({}, makeToolContext())).toMatchObject({
      iso: '2026-07-01T12:30:45.123Z',
      timeZone: 'UTC',
    });
  });

  it('refuses an unknown zone with a hint, and an invalid default zone in config', () => {
    expect(() => tool.execute({ timeZone: 'Mars/Olympus' }, makeToolContext())).toThrow(
      expect.objectContaining({ code: 'tool.input_invalid', hint: expect.stringContaining('Europe/Berlin') }),
    );
    expect(TimeTool.plugin.configSchema.safeParse({ defaultTimeZone: 'Nowhere/Land' }).success).toBe(false);
  });
});
