/** A small arithmetic expression evaluator: tokenizer + recursive-descent parser, no `eval`. */

/** A syntax or evaluation error, with the 1-based character position it refers to. */
export class CalcError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'CalcError';
  }
}

type Token =
  | { type: 'number'; value: number; position: number }
  | { type: 'name'; value: string; position: number }
  | { type: 'operator'; value: string; position: number }
  | { type: 'end'; position: number };

const OPERATORS = new Set(['+', '-', '*', '/', '%', '^', '(', ')', ',']);
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Splits an expression into tokens; positions are 1-based. */
export function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < expression.length) {
    const char = expression[index]!;
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    const rest = expression.slice(index);
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ type: 'number', value: Number(number[0]), position: index + 1 });
      index += number[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ type: 'name', value: name[0].toLowerCase(), position: index + 1 });
      index += name[0].length;
      continue;
    }
    const operator = char === '×' ? '*' : char === '÷' ? '/' : char === '*' && rest[1] === '*' ? '^' : char;
    if (!OPERATORS.has(operator)) throw new CalcError(`Unexpected character "${char}"`, index + 1);
    tokens.push({ type: 'operator', value: operator, position: index + 1 });
    index += char === '*' && rest[1] === '*' ? 2 : 1;
  }
  tokens.push({ type: 'end', position: expression.length + 1 });
  return tokens;
}

const CONSTANTS: Record<string, number> = Object.assign(Object.create(null), {
  pi: Math.PI,
  e: Math.E,
  tau: 2 * Math.PI,
});

type CalcFunction = { arity: [number, number]; apply: (...values: number[]) => number };

// Null-prototype tables: a name like "constructor" must not find Object.prototype members.
const FUNCTIONS: Record<string, CalcFunction> = Object.assign(Object.create(null), {
  sqrt: { arity: [1, 1], apply: Math.sqrt },
  cbrt: { arity: [1, 1], apply: Math.cbrt },
  abs: { arity: [1, 1], apply: Math.abs },
  floor: { arity: [1, 1], apply: Math.floor },
  ceil: { arity: [1, 1], apply: Math.ceil },
  round: {
    arity: [1, 2],
    apply: (value, digits = 0) => {
      const factor = 10 ** digits;
      return Math.round(value * factor) / factor;
    },
  },
  trunc: { arity: [1, 1], apply: Math.trunc },
  sign: { arity: [1, 1], apply: Math.sign },
  exp: { arity: [1, 1], apply: Math.exp },
  ln: { arity: [1, 1], apply: Math.log },
  log: {
    arity: [1, 2],
    apply: (value, base) => (base === undefined ? Math.log10(value) : Math.log(value) / Math.log(base)),
  },
  log2: { arity: [1, 1], apply: Math.log2 },
  log10: { arity: [1, 1], apply: Math.log10 },
  sin: { arity: [1, 1], apply: Math.sin },
  cos: { arity: [1, 1], apply: Math.cos },
  tan: { arity: [1, 1], apply: Math.tan },
  asin: { arity: [1, 1], apply: Math.asin },
  acos: { arity: [1, 1], apply: Math.acos },
  atan: { arity: [1, 1], apply: Math.atan },
  min: { arity: [1, 100], apply: Math.min },
  max: { arity: [1, 100], apply: Math.max },
  hypot: { arity: [1, 100], apply: Math.hypot },
} satisfies Record<string, CalcFunction>);

/** Names the evaluator knows, for error hints. */
export const KNOWN_NAMES = { constants: Object.keys(CONSTANTS), functions: Object.keys(FUNCTIONS) };

const MAX_DEPTH = 100;

/**
 * Evaluates an arithmetic expression. Grammar, lowest precedence first:
 * `sum := product (('+'|'-') product)*`, `product := unary (('*'|'/'|'%') unary)*`,
 * `unary := ('-'|'+') unary | power`, `power := atom ('^' unary)?` (right-associative, binds tighter than
 * unary minus: `-2^2 = -4`), `atom := number | constant | name '(' args ')' | '(' sum ')'`.
 *
 * @throws CalcError with the position of the problem
 */
export function evaluate(expression: string): number {
  const tokens = tokenize(expression);
  let index = 0;
  let depth = 0;
  const peek = () => tokens[index]!;
  const isOperator = (value: string) => {
    const token = peek();
    return token.type === 'operator' && token.value === value;
  };
  const expect = (value: string) => {
    if (!isOperator(value))
      throw new CalcError(`Expected "${value}" but found ${describe(peek())}`, peek().position);
    index += 1;
  };
  const nested = <T>(position: number, run: () => T): T => {
    depth += 1;
    if (depth > MAX_DEPTH) throw new CalcError('Expression is nested too deeply', position);
    try {
      return run();
    } finally {
      depth -= 1;
    }
  };

  const sum = (): number => {
    let value = product();
    while (isOperator('+') || isOperator('-')) {
      const operator = tokens[index++]!;
      const right = product();
      value = operator.type === 'operator' && operator.value === '+' ? value + right : value - right;
    }
    return value;
  };
  const product = (): number => {
    let value = unary();
    while (isOperator('*') || isOperator('/') || isOperator('%')) {
      const operator = tokens[index++]! as { value: string; position: number };
      const right = unary();
      if ((operator.value === '/' || operator.value === '%') && right === 0) {
        throw new CalcError('Division by zero', operator.position);
      }
      value = operator.value === '*' ? value * right : operator.value === '/' ? value / right : value % right;
    }
    return value;
  };
  const unary = (): number => {
    const token = peek();
    if (isOperator('-') || isOperator('+')) {
      index += 1;
      const value = nested(token.position, unary);
      return token.type === 'operator' && token.value === '-' ? -value : value;
    }
    return power();
  };
  const power = (): number => {
    const base = atom();
    if (!isOperator('^')) return base;
    const token = tokens[index++]!;
    return base ** nested(token.position, unary);
  };
  const atom = (): number => {
    const token = peek();
    if (token.type === 'number') {
      index += 1;
      return token.value;
    }
    if (isOperator('(')) {
      index += 1;
      const value = nested(token.position, sum);
      expect(')');
      return value;
    }
    if (token.type === 'name') {
      index += 1;
      if (isOperator('(')) return call(token.value, token.position);
      const constant = CONSTANTS[token.value];
      if (constant === undefined) {
        const hint = FUNCTIONS[token.value] ? ` (call it: ${token.value}(...))` : '';
        throw new CalcError(`Unknown name "${token.value}"${hint}`, token.position);
      }
      return constant;
    }
    throw new CalcError(`Expected a number, name or "(" but found ${describe(token)}`, token.position);
  };
  const call = (name: string, position: number): number => {
    const fn = FUNCTIONS[name];
    if (!fn) throw new CalcError(`Unknown function "${name}"`, position);
    index += 1;
    const args: number[] = [];
    if (!isOperator(')')) {
      args.push(nested(position, sum));
      while (isOperator(',')) {
        index += 1;
        args.push(nested(position, sum));
      }
    }
    expect(')');
    const [least, most] = fn.arity;
    if (args.length < least || args.length > most) {
      const expected = least === most ? `${least}` : `${least} to ${most}`;
      throw new CalcError(`${name}() takes ${expected} argument(s), got ${args.length}`, position);
    }
    return fn.apply(...args);
  };

  const value = sum();
  if (peek().type !== 'end') throw new CalcError(`Unexpected ${describe(peek())}`, peek().position);
  if (!Number.isFinite(value)) throw new CalcError('The result is not a finite number', 1);
  return value;
}

function describe(token: Token): string {
  if (token.type === 'end') return 'the end of the expression';
  if (token.type === 'number') return `number ${token.value}`;
  return `"${token.value}"`;
}
