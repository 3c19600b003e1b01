import { PassThrough } from 'node:stream';
import type { PendingCall } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { Collector } from './__fixtures__/cli-harness.js';
import { LineReader, promptDecisions } from './approval-prompt.js';
import { createStyle } from './render/style.js';

function call(callId: string, tool: string, reason: PendingCall['reason'] = 'approval'): PendingCall {
  return { callId, tool, input: { path: `${callId}.txt` }, inputHash: `hash-${callId}`, reason };
}

async function answer(lines: string, pending: PendingCall[]) {
  const input = new PassThrough();
  input.end(lines);
  const writer = new Collector();
  const reader = new LineReader(input);
  try {
    const decisions = await promptDecisions({ reader, writer, style: createStyle(false) }, pending);
    return { decisions, shown: writer.text };
  } finally {
    reader.close();
  }
}

describe('inline approval prompts', () => {
  it("allow, and deny with a reason the model is told; each decision carries the call's input hash", async () => {
    const { decisions, shown } = await answer('a\nd\nnot on Fridays\n', [
      call('c1', 'write-file'),
      call('c2', 'shell'),
    ]);
    expect(decisions).toEqual({
      c1: { approve: true, inputHash: 'hash-c1' },
      c2: { approve: false, inputHash: 'hash-c2', reason: 'not on Fridays' },
    });
    expect(shown).toContain('write-file wants to run with {"path":"c1.txt"}');
  });

  it('edit input re-asks until the JSON parses', async () => {
    const { decisions, shown } = await answer('e\n{nope\n{"path":"safe.txt"}\n', [call('c1', 'write-file')]);
    expect(decisions).toEqual({ c1: { approve: true, inputHash: 'hash-c1', input: { path: 'safe.txt' } } });
    expect(shown).toContain('not JSON');
  });

  it('"always" approves later calls of the same tool without asking again', async () => {
    const { decisions, shown } = await answer('w\n', [call('c1', 'write-file'), call('c2', 'write-file')]);
    expect(decisions).toEqual({
      c1: { approve: true, inputHash: 'hash-c1', sticky: true },
      c2: { approve: true, inputHash: 'hash-c2', sticky: true },
    });
    expect(shown.match(/wants to run/g)).toHaveLength(1);
  });

  it('unknown outcomes offer retry, skip with a result, or fail', async () => {
    const { decisions } = await answer('s\n{"sent":true}\n', [call('c1', 'send-email', 'outcome_unknown')]);
    expect(decisions).toEqual({ c1: { outcome: 'skip', result: { sent: true } } });
  });

  it('an unrecognised answer asks again; input that ends gives no decisions', async () => {
    const retried = await answer('maybe\ny\n', [call('c1', 'write-file')]);
    expect(retried.decisions).toEqual({ c1: { approve: true, inputHash: 'hash-c1' } });
    const ended = await answer('', [call('c1', 'write-file')]);
    expect(ended.decisions).toBeUndefined();
  });
});
