/** `agentry validate`: the JSON Schema of each webhook trigger compiles (the server compiles it the same way). */
import type { ConfigIssue } from '@agentry/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { LoadedConfig } from './core-api.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One issue per webhook trigger whose `schema` ajv refuses, at the schema's line. */
export function webhookSchemaIssues(loaded: Pick<LoadedConfig, 'config' | 'locate'>): ConfigIssue[] {
  const agents = isRecord(loaded.config.agents) ? loaded.config.agents : {};
  const issues: ConfigIssue[] = [];
  for (const [agentId, agent] of Object.entries(agents)) {
    const triggers = isRecord(agent) && Array.isArray(agent.triggers) ? agent.triggers : [];
    for (const [index, trigger] of triggers.entries()) {
      if (!isRecord(trigger) || trigger.type !== 'webhook' || !isRecord(trigger.schema)) continue;
      try {
        new Ajv2020({ strict: false, allErrors: true }).compile(trigger.schema);
      } catch (error) {
        const at = ['agents', agentId, 'triggers', index, 'schema'];
        const location = loaded.locate(at);
        issues.push({
          message: `not a valid JSON Schema: ${(error as Error).message}`,
          path: at,
          ...(location === undefined ? {} : { location }),
          hint: 'write a JSON Schema (2020-12) for the payload, e.g. { type: object, required: [id] }',
        });
      }
    }
  }
  return issues;
}
