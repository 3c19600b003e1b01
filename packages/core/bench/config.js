// Config bench rows: `loadConfig` (what `agentry validate` and `createRuntime` parse and check) of a 1 MB and a
// 2 MB YAML config (a map of agents), next to the `yaml` package's own parse of the same text and `JSON.parse`
// of the same data, measured in the same run. Linear parsing shows as a 2 MB/1 MB ratio near 2 (the quadratic
// duplicate-key check of the parser made it about 4).
// Alone: `node bench/config.js` (after `npm run build`). Each row: { name, value, unit, target? }.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMain, loadCore, printRows } from './rows.js';

/** A valid config of about `bytes` bytes: one scripted model and a map of agents. */
export function largeConfig(bytes) {
  const lines = ['version: 1', 'models:', '  demo: { provider: scripted, script: ["hi"] }', 'agents:'];
  let size = lines.join('\n').length;
  for (let index = 0; size < bytes; index += 1) {
    const agent = `  agent_${index}:\n    model: demo\n    instructions: You are agent number ${index}; answer briefly.`;
    lines.push(agent);
    size += agent.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

function timeMs(body) {
  const started = process.hrtime.bigint();
  body();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function timeAsyncMs(body) {
  const started = process.hrtime.bigint();
  await body();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

export async function configRows(core) {
  const yaml = createRequire(import.meta.url)('yaml');
  const dir = mkdtempSync(join(tmpdir(), 'agentry-bench-config-'));
  try {
    const measured = {};
    for (const megabytes of [1, 2]) {
      const text = largeConfig(megabytes * 1_000_000);
      const file = join(dir, `agentry-${megabytes}mb.yaml`);
      writeFileSync(file, text);
      const json = JSON.stringify(yaml.parse(text, { uniqueKeys: false }));
      const load = [];
      const yamlParse = [];
      const jsonParse = [];
      for (let round = 0; round < 3; round += 1) {
        load.push(await timeAsyncMs(() => core.loadConfig({ path: file })));
        yamlParse.push(timeMs(() => yaml.parse(text, { uniqueKeys: false })));
        jsonParse.push(timeMs(() => JSON.parse(json)));
      }
      measured[megabytes] = { load: median(load), yaml: median(yamlParse), json: median(jsonParse) };
    }
    const one = measured[1];
    return [
      {
        name: 'validate (loadConfig) of a 1 MB config, median of 3',
        value: one.load,
        unit: 'ms',
        target: 2000,
      },
      { name: 'yaml.parse of the same 1 MB text (no duplicate-key check)', value: one.yaml, unit: 'ms' },
      { name: 'JSON.parse of the same data as JSON', value: one.json, unit: 'ms' },
      { name: 'ratio validate/yaml.parse, 1 MB config', value: one.load / one.yaml, unit: '×', target: 3 },
      { name: 'validate (loadConfig) of a 2 MB config, median of 3', value: measured[2].load, unit: 'ms' },
      {
        name: 'growth 1 MB → 2 MB config (validate)',
        value: measured[2].load / one.load,
        unit: '×',
        target: 3,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) printRows(await configRows(await loadCore()));
