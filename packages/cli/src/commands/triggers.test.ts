/** Triggers from the CLI: `agentry validate` points at bad triggers by line; `agentry publish` starts event-triggered runs. */
import { afterEach, describe, expect, it } from 'vitest';
import { cli, scratchDir } from '../__fixtures__/cli-harness.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function project(yaml: string): string {
  const scratch = scratchDir({ 'agentry.yaml': yaml });
  cleanups.push(scratch.remove);
  return scratch.dir;
}

const BROKEN = `version: 1
store: memory
models:
  m: { provider: scripted, script: [ok] }
agents:
  digest:
    model: m
    triggers:
      - id: nightly
        type: cron
        cron: "0 9 * * * * *"
        timezone: Europe/Atlantis
        input: "Summarise {{payload.title}}"
      - id: push
        type: webhook
        path: github/push
        schema: { type: object, properties: { title: { type: string } } }
        input: "New {{payload.titel}}"
        session: "{{ payload.title"
      - id: poll
        type: interval
        every: soon
        input: poll
      - id: poll
        type: event
        event: run.completed
        input: "{{payload.outptu}}"
`;

describe('triggers in agentry validate', () => {
  it('reports each bad trigger at its line: cron expression, time zone, template paths, durations, ids', async () => {
    const cwd = project(BROKEN);
    const result = await cli(['validate'], { cwd });
    expect(result.code).toBe(2);
    const expected: [RegExp, string][] = [
      [/agentry\.yaml:11:\d+ {2}agents\.digest\.triggers\[0\]\.cron/, 'bad cron expression'],
      [/agentry\.yaml:12:\d+ {2}agents\.digest\.triggers\[0\]\.timezone/, 'not an IANA time zone'],
      [
        /agentry\.yaml:13:\d+ {2}agents\.digest\.triggers\[0\]\.input/,
        "a cron tick's payload has payload.scheduledAt",
      ],
      [/agentry\.yaml:18:\d+ {2}agents\.digest\.triggers\[1\]\.input/, 'has no property "titel"'],
      [/agentry\.yaml:19:\d+ {2}agents\.digest\.triggers\[1\]\.session/, 'bad template'],
      [/agentry\.yaml:22:\d+ {2}agents\.digest\.triggers\[2\]\.every/, 'not a duration'],
      [/agentry\.yaml:24:\d+ {2}agents\.digest\.triggers\[3\]\.id/, 'trigger id "poll" is used twice'],
      [/agentry\.yaml:27:\d+ {2}agents\.digest\.triggers\[3\]\.input/, 'a run.completed payload has'],
    ];
    for (const [where, what] of expected) {
      expect(result.stderr).toMatch(where);
      expect(result.stderr).toContain(what);
    }
  });
});

it('validate refuses a webhook schema that is not JSON Schema, at its line', async () => {
  const cwd = project(`version: 1
store: memory
models:
  m: { provider: scripted, script: [ok] }
agents:
  a:
    model: m
    triggers:
      - id: hook
        type: webhook
        path: in
        schema: { type: objekt }
        input: hi
`);
  const result = await cli(['validate'], { cwd });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/agentry\.yaml:12:\d+ {2}agents\.a\.triggers\[0\]\.schema/);
  expect(result.stderr).toContain('not a valid JSON Schema');
});

describe('agentry publish', () => {
  it('publishes a custom event; the matching event trigger starts its run', async () => {
    const cwd = project(`version: 1
store: memory
models:
  m: { provider: scripted, script: [Triaged.] }
agents:
  triage:
    model: m
    triggers:
      - { id: urgent, type: event, event: ticket.created, where: { priority: high }, input: "Triage {{payload.title}}" }
`);
    const hit = await cli(
      ['publish', 'ticket.created', '{"title":"Printer on fire","priority":"high"}', '--json'],
      { cwd },
    );
    expect(hit.code).toBe(0);
    expect(JSON.parse(hit.stdout)).toMatchObject({ published: 'ticket.created', runs: [expect.any(String)] });
    const miss = await cli(['publish', 'ticket.created', '{"title":"Typo","priority":"low"}', '--json'], {
      cwd,
    });
    expect(JSON.parse(miss.stdout)).toEqual({ published: 'ticket.created', runs: [] });
    const bad = await cli(['publish', 'ticket.created', '{not json'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('The payload is not JSON');
  });
});

describe('agentry triggers', () => {
  it('lists each trigger, its next tick and its stored firings', async () => {
    const cwd = project(`version: 1
store: { type: sqlite, config: { path: ./state.db } }
models:
  m: { provider: scripted, script: [ok] }
agents:
  triage:
    model: m
    triggers:
      - { id: urgent, type: event, event: ticket.created, where: { priority: high }, input: "Triage {{payload.title}}" }
      - { id: nightly, type: cron, cron: "0 2 * * *", timezone: Europe/Berlin, input: nightly }
`);
    const published = await cli(
      ['publish', 'ticket.created', '{"title":"Fire","priority":"high"}', '--json'],
      { cwd },
    );
    const { runs } = JSON.parse(published.stdout) as { runs: string[] };
    const listed = await cli(['triggers'], { cwd });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('triage.urgent · event ticket.created');
    expect(listed.stdout).toContain(`fired → ${runs[0]}`);
    expect(listed.stdout).toMatch(/triage\.nightly · cron 0 2 \* \* \* \(Europe\/Berlin\) · next \d{4}-/);
    expect(listed.stdout).toContain('not fired yet');
    const json = JSON.parse((await cli(['triggers', '--json'], { cwd })).stdout) as {
      triggers: { trigger: string; recent: { event: string; runId?: string }[] }[];
    };
    expect(json.triggers.find((entry) => entry.trigger === 'triage.urgent')?.recent[0]).toMatchObject({
      event: 'trigger.fired',
      runId: runs[0],
    });
  });
});
