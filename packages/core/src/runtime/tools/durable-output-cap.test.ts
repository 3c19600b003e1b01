import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../contracts/json.js';
import { DEFAULT_MAX_TOOL_OUTPUT_BYTES } from '../agent/agent-setup.js';
import { capToolOutput, certainlyWithin } from './durable-output-cap.js';

describe('capToolOutput', () => {
  it('returns outputs within the cap unchanged', () => {
    const output = { rows: [1, 2, 3], note: 'ok' };
    const capped = capToolOutput(output);
    expect([capped.output, capped.truncated, capped.bytes]).toEqual([
      output,
      false,
      JSON.stringify(output).length,
    ]);
    expect(capped.output).toBe(output);
    expect(capToolOutput('x'.repeat(DEFAULT_MAX_TOOL_OUTPUT_BYTES)).truncated).toBe(false);
  });

  it('measures what JSON makes of an output, not its fields: dates are cut like the text they become', () => {
    const dates = Array.from({ length: 100 }, (_, day) => new Date(Date.UTC(2026, 0, 1 + day)));
    const capped = capToolOutput({ dates } as unknown as JsonValue, 1024);
    expect(capped.truncated).toBe(true);
    expect(capped.bytes).toBe(JSON.stringify({ dates }).length);
    expect(certainlyWithin({ dates }, 1024)).toBe(false);
    expect(certainlyWithin({ big: 1n }, 1024)).toBe(false);
  });

  it('cuts a long string to the cap and says how much the model sees', () => {
    const capped = capToolOutput('a'.repeat(10_000), 1024);
    expect(capped.truncated).toBe(true);
    expect(capped.bytes).toBe(10_000);
    expect(typeof capped.output).toBe('string');
    const text = capped.output as string;
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(1024);
    expect(text).toMatch(/\[output truncated: showing \d+ of 10000 bytes\]$/);
    expect(text.startsWith('aaaa')).toBe(true);
  });

  it('turns a large object into the start of its JSON text and never splits a character', () => {
    const capped = capToolOutput({ items: Array.from({ length: 2000 }, () => 'é€😀') }, 700);
    const text = capped.output as string;
    expect(capped.truncated).toBe(true);
    expect(text.startsWith('{"items":["é€😀"')).toBe(true);
    expect(text).not.toContain('\uFFFD');
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(700);
  });

  it('bounds an output without encoding it: "fits" only when its JSON text really fits', () => {
    const outputs: unknown[] = [
      { stored: 6 },
      'plain text',
      '"quotes" and \\ and \n and \u0001 controls',
      { emoji: '😀'.repeat(40), nested: [[{ deep: 'é€' }]], n: -1.5e-300, ok: true, none: null },
      Array.from({ length: 50 }, (_, index) => ({ index, name: `item ${index}` })),
    ];
    for (const output of outputs) {
      const text = typeof output === 'string' ? output : JSON.stringify(output);
      const bytes = Buffer.byteLength(text, 'utf8');
      for (const limit of [bytes - 1, bytes, bytes * 6 + 64]) {
        if (certainlyWithin(output, limit)) expect(bytes).toBeLessThanOrEqual(limit);
      }
      expect(certainlyWithin(output, bytes * 6 + 64)).toBe(true);
    }
    expect(certainlyWithin('x'.repeat(20_000), DEFAULT_MAX_TOOL_OUTPUT_BYTES)).toBe(false);
  });
});
