import { describe, expect, it } from 'vitest';
import { checkAgainstSchema } from './schema-check';

const writeFile = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1 },
    content: { type: 'string' },
    mode: { enum: ['a', 'w'] },
  },
  required: ['path', 'content'],
  additionalProperties: false,
};

describe('checkAgainstSchema', () => {
  it('accepts an input that fits the tool schema', () => {
    expect(checkAgainstSchema(writeFile, { path: 'a.md', content: 'x', mode: 'w' })).toEqual([]);
  });

  it('names each field that does not fit', () => {
    expect(checkAgainstSchema(writeFile, { path: '', mode: 'x', extra: 1 })).toEqual([
      'input.content: is required',
      'input.path: must have at least 1 characters',
      'input.mode: must be one of "a", "w"',
      'input.extra: is not allowed',
    ]);
    expect(checkAgainstSchema(writeFile, { path: 42, content: 'x' })).toEqual([
      'input.path: expected string, got integer',
    ]);
    expect(checkAgainstSchema(writeFile, ['a'])).toEqual(['input: expected object, got array']);
  });

  it('checks array items, numbers and alternatives', () => {
    const schema = { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number', minimum: 0 }] } };
    expect(checkAgainstSchema(schema, ['a', 3])).toEqual([]);
    expect(checkAgainstSchema(schema, [-1, true])).toEqual([
      'input[0]: matches none of the allowed shapes',
      'input[1]: matches none of the allowed shapes',
    ]);
  });
});
