/** What a trigger's firing carries, so templates can be checked at validate time where the shape is known. */

/** The fields of a trigger config this check reads. */
interface TriggerShape {
  type: 'cron' | 'interval' | 'webhook' | 'event';
  schema?: Record<string, unknown> | undefined;
  event?: string;
}

/** Payload fields of a cron / interval tick. */
export const TICK_FIELDS = ['scheduledAt', 'misfire'] as const;
/** Payload fields of a `run.completed` / `run.failed` event firing (the event's data plus its ids). */
const RUN_EVENT_FIELDS: Record<string, readonly string[]> = {
  'run.completed': ['runId', 'agentId', 'sessionId', 'output', 'usage'],
  'run.failed': ['runId', 'agentId', 'sessionId', 'error', 'usage'],
};
const TRIGGER_FIELDS = ['id', 'agent', 'type'];

/** Why `path` cannot be filled by this trigger's firings, or `undefined` when it can (or cannot be known). */
export function payloadPathProblem(trigger: TriggerShape, path: string): string | undefined {
  const [root, ...rest] = path.split('.');
  if (root === 'firedAt')
    return rest.length === 0 ? undefined : `{{${path}}}: firedAt is a time, it has no fields`;
  if (root === 'trigger') {
    const field = rest[0];
    return rest.length === 1 && field && TRIGGER_FIELDS.includes(field)
      ? undefined
      : `{{${path}}}: trigger has ${TRIGGER_FIELDS.map((name) => `trigger.${name}`).join(', ')}`;
  }
  const first = rest[0];
  if (first === undefined) return undefined;
  if (trigger.type === 'cron' || trigger.type === 'interval') {
    return (TICK_FIELDS as readonly string[]).includes(first) && rest.length === 1
      ? undefined
      : `{{${path}}}: a ${trigger.type} tick's payload has ${TICK_FIELDS.map((name) => `payload.${name}`).join(', ')}`;
  }
  if (trigger.type === 'event') {
    const fields = RUN_EVENT_FIELDS[trigger.event ?? ''];
    if (fields && !fields.includes(first)) {
      return `{{${path}}}: a ${trigger.event} payload has ${fields.map((name) => `payload.${name}`).join(', ')}`;
    }
    return undefined;
  }
  return trigger.schema ? schemaPathProblem(trigger.schema, rest, path) : undefined;
}

/** Walks `properties` of a JSON Schema; a key missing from a level that lists properties is a problem. */
function schemaPathProblem(
  schema: Record<string, unknown>,
  keys: string[],
  path: string,
): string | undefined {
  let current: unknown = schema;
  for (const key of keys) {
    const properties = (current as { properties?: unknown } | undefined)?.properties;
    if (typeof properties !== 'object' || properties === null) return undefined;
    if (!Object.hasOwn(properties, key)) {
      const known = Object.keys(properties).join(', ') || 'none';
      return `{{${path}}}: the webhook's schema has no property "${key}" there (it has: ${known}); add it to the schema`;
    }
    current = (properties as Record<string, unknown>)[key];
  }
  return undefined;
}
