import type { Tool } from '@agentry/core';
import { describeToolConformance, makeToolContext } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { evaluate } from './calc-expression.js';
import { CalcTool } from './calc-tool.js';

describeToolConformance({
  name: 'calc',
  create: () => CalcTool.plugin.create(CalcTool.plugin.configSchema.parse({}), undefined as never) as Tool,
  validInput: { expression: '1 + 2 * 3' },
  invalidInput: { expression: 7 },
  checkOutput: (output) => expect(output).toEqual({ expression: '1 + 2 * 3', result: 7 }),
});

describe('calc expressions', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['-2 ^ 2', -4],
    ['(-2) ^ 2', 4],
    ['--3', 3],
    ['10 % 4', 2],
    ['7 / 2', 3.5],
    ['2 ** 10', 1024],
    ['sqrt(16) + abs(-3)', 7],
    ['min(4, 2, 8) + max(1, 9)', 11],
    ['round(2.567, 2)', 2.57],
    ['round(2.5)', 3],
    ['pi', Math.PI],
    ['e ^ 1', Math.E],
    ['1.5e3 + .5', 1500.5],
    ['log(1000)', 3],
    ['log(8, 2)', 3],
    ['  4 *\t(2 - 3) ', -4],
  ])('%s = %d', (expression, expected) => {
    expect(evaluate(expression)).toBeCloseTo(expected, 10);
  });

  it.each([
    ['1 +', 'Expected a number, name or "(" but found the end of the expression at position 4'],
    ['(1 + 2', 'Expected ")" but found the end of the expression at position 7'],
    ['1 + 2)', 'Unexpected ")" at position 6'],
    ['2 $ 3', 'Unexpected character "$" at position 3'],
    ['1 / 0', 'Division by zero at position 3'],
    ['5 % (2 - 2)', 'Division by zero at position 3'],
    ['foo + 1', 'Unknown name "foo" at position 1'],
    ['sqrt + 1', 'Unknown name "sqrt" (call it: sqrt(...)) at position 1'],
    ['bar(2)', 'Unknown function "bar" at position 1'],
    ['sqrt(1, 2)', 'sqrt() takes 1 argument(s), got 2 at position 1'],
    ['sqrt(-1)', 'The result is not a finite number at position 1'],
    ['constructor', 'Unknown name "constructor" at position 1'],
    ['process.exit()', 'Unexpected character "." at position 8'],
  ])('%s is refused: %s', (expression, message) => {
    expect(() => evaluate(expression)).toThrow(message);
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    expect(() => evaluate(`${'('.repeat(500)}1${')'.repeat(500)}`)).toThrow(/nested too deeply/);
    expect(() => evaluate(`${'-'.repeat(500)}1`)).toThrow(/nested too deeply/);
  });

  it('the tool turns errors into tool.input_invalid with the position, and caps the length', async () => {
    const tool = new CalcTool(CalcTool.plugin.configSchema.parse({ maxLength: 10 }));
    expect(() => tool.execute({ expression: '1 +* 2' }, makeToolContext())).toThrow(
      expect.objectContaining({ code: 'tool.input_invalid', message: expect.stringContaining('position 4') }),
    );
    expect(() => tool.execute({ expression: '1+1+1+1+1+1' }, makeToolContext())).toThrow(
      expect.objectContaining({ code: 'tool.input_invalid' }),
    );
  });
});
