/**
 * Trigger templates: text with `{{ dotted.path }}` placeholders filled from a trigger's context
 * (`payload`, `trigger`, `firedAt`). Nothing is evaluated: a placeholder is a path, looked up in plain
 * data; objects are written as JSON. A path that is not there is an error, not an empty string.
 */

/** One compiled template. */
export interface Template {
  readonly source: string;
  /** The dotted paths it reads, in order. */
  readonly paths: readonly string[];
  /** Fills the placeholders; throws `TemplateError` naming the first path `context` lacks. */
  render(context: unknown): string;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const PATH = /^[A-Za-z_$][\w$-]*(\.[\w$-]+)*$/;
/** The names a template may start with. */
export const TEMPLATE_ROOTS = ['payload', 'trigger', 'firedAt'] as const;

/** Compiles `source`; throws `TemplateError` for a placeholder that is not a dotted path from a known root. */
export function compileTemplate(source: string): Template {
  const paths: string[] = [];
  for (const match of source.matchAll(PLACEHOLDER)) {
    const path = match[1] ?? '';
    if (!PATH.test(path)) {
      throw new TemplateError(`{{${path}}} is not a dotted path (write e.g. {{payload.title}})`);
    }
    const root = path.split('.')[0] ?? '';
    if (!(TEMPLATE_ROOTS as readonly string[]).includes(root)) {
      throw new TemplateError(
        `{{${path}}} starts with "${root}"; start with one of ${TEMPLATE_ROOTS.join(', ')}`,
      );
    }
    paths.push(path);
  }
  const rest = source.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) {
    throw new TemplateError('an unclosed or unopened {{ }} placeholder');
  }
  return {
    source,
    paths,
    render: (context) =>
      source.replace(PLACEHOLDER, (_whole, path: string) => {
        const value = lookup(context, path);
        if (value === undefined) throw new TemplateError(`{{${path}}}: the trigger's data has no ${path}`);
        return typeof value === 'string' ? value : JSON.stringify(value);
      }),
  };
}

/** The value at a dotted path of plain data (own properties only), or `undefined`. */
export function lookup(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
