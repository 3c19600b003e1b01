import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderConsoleTypes } from './console-types.js';

const file = fileURLToPath(new URL('../../../console/src/api-types.ts', import.meta.url));

describe('packages/console/src/api-types.ts', () => {
  it('matches the OpenAPI document (regenerate with `npm run docs -w @agentry/server`)', () => {
    expect(readFileSync(file, 'utf8')).toBe(renderConsoleTypes());
  });

  it('renders objects, optional fields, enums, unions, intersections and maps', () => {
    const text = renderConsoleTypes({
      components: {
        schemas: {
          Item: {
            type: 'object',
            description: 'One item',
            properties: {
              id: { type: 'string' },
              'odd-name': { type: ['integer', 'null'] },
              tags: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } },
              meta: { type: 'object', additionalProperties: { type: 'number' } },
              any: { description: 'Any JSON value' },
            },
            required: ['id'],
          },
          Kind: { type: 'string', enum: ['a', "it's"] },
          Both: { allOf: [{ $ref: '#/components/schemas/Item' }, { type: 'object', properties: {} }] },
        },
      },
    });
    expect(text).toContain(`/** One item */
export interface Item {
  id: string;
  'odd-name'?: number | null;
  tags?: (string | number)[];
  meta?: {
    [key: string]: number;
  };
  /** Any JSON value */
  any?: unknown;
}`);
    expect(text).toContain("export type Kind = 'a' | 'it\\'s';");
    expect(text).toContain('export type Both = Item & Record<string, unknown>;');
  });
});
