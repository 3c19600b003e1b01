/** Output schemas: an agent's JSON Schema compiled once; the final output must parse as JSON and satisfy it. */
import { z } from 'zod';
import type { JsonObject, JsonValue } from '../../contracts/json.js';
import { ConfigError } from '../../errors/agentry-error.js';

/** The verdict on one final output. */
export type OutputCheck = { ok: true; value: JsonValue } | { ok: false; problems: string };

/** Checks final outputs against one schema. */
export interface OutputValidator {
  check(output: string): OutputCheck;
}

/** Compiles `schema` (JSON Schema) once; throws `ConfigError` when it is not a schema Agentry can check. */
export function compileOutputSchema(agentId: string, schema: JsonObject): OutputValidator {
  let validator: z.ZodType;
  try {
    validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw new ConfigError('config.invalid', {
      message: `The outputSchema of agent "${agentId}" is not a JSON Schema Agentry can check`,
      hint: 'Use a JSON Schema object with type, properties, required, items, enum.',
      cause: error,
      context: { agentId, path: `agents.${agentId}.outputSchema` },
    });
  }
  return {
    check(output: string): OutputCheck {
      let parsed: unknown;
      try {
        parsed = JSON.parse(stripFence(output));
      } catch (error) {
        return { ok: false, problems: `The answer is not valid JSON (${(error as Error).message}).` };
      }
      const result = validator.safeParse(parsed);
      if (result.success) return { ok: true, value: parsed as JsonValue };
      return { ok: false, problems: z.prettifyError(result.error) };
    },
  };
}

/** Accepts an answer wrapped in a ```json fence, as models often do. */
function stripFence(output: string): string {
  const trimmed = output.trim();
  const match = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/.exec(trimmed);
  return match ? match[1]! : trimmed;
}

/** The message that tells the model its answer failed validation. */
export function validationFeedback(problems: string): string {
  return `Your final answer must be JSON that matches the required schema. Problems:\n${problems}\nReply with the corrected JSON only.`;
}
