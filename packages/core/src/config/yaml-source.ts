/** Parses one YAML/JSON config text with positions kept, and rejects unsafe YAML (custom tags, alias bombs, prototype keys). */
import { isAbsolute, relative } from 'node:path';
import type { Document, Node } from 'yaml';
import type { ConfigIssue } from '../errors/agentry-error.js';
import { yamlModule } from './lazy-yaml.js';

/** Most aliases a config may expand; a config needs few, an alias bomb needs thousands. */
export const MAX_ALIAS_COUNT = 100;
/** Keys that could reach an object's prototype; never allowed in config. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const ALLOWED_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq', 'merge'].map((name) => `tag:yaml.org,2002:${name}`),
);

/** Marks that stand in for `{` `}` of `${env:…}` while parsing, so references also work inside flow maps. */
export const ENV_OPEN = '\uE000';
export const ENV_CLOSE = '\uE001';
const ENV_IN_TEXT = /\$\{(env:[A-Za-z_][A-Za-z0-9_]*(?::-[^}\n\uE000\uE001]*)?)\}/g;

type Path = readonly (string | number)[];

/** One parsed config text. */
export interface ConfigSource {
  /** Absolute path of the file. */
  readonly file: string;
  /** Key path of the config inside the document (`['agentry']` for package.json). */
  readonly prefix: readonly string[];
  /** False when the document lacks the prefix key (a package.json without `"agentry"`). */
  readonly present: boolean;
  /** Plain value of the config (undefined when the text has syntax errors). */
  readonly value: unknown;
  /** Syntax errors and unsafe constructs, with locations. */
  readonly issues: ConfigIssue[];
  /** `file:line:col` of the value at `path` (relative to the config, not the document). */
  locate(path: Path): string | undefined;
  /** `file:line:col` of the key of the entry at `path` (falls back to its value). */
  locateKey(path: Path): string | undefined;
}

/** A file name for messages: relative to the working directory when inside it. */
export function displayFile(file: string): string {
  const relativePath = relative(process.cwd(), file);
  return relativePath !== '' && !relativePath.startsWith('..') && !isAbsolute(relativePath)
    ? relativePath
    : file;
}

/**
 * Parses `text` (YAML, or JSON which is YAML too) keeping positions. Syntax
 * errors, custom tags, prototype keys and alias bombs become issues; the value
 * is only produced when the text is clean.
 */
export function parseConfigSource(text: string, file: string, prefix: readonly string[] = []): ConfigSource {
  const { isMap, isNode, isScalar, LineCounter, parseDocument } = yamlModule();
  const lineCounter = new LineCounter();
  const masked = text.replace(ENV_IN_TEXT, `$${ENV_OPEN}$1${ENV_CLOSE}`);
  const doc = parseDocument(masked, {
    lineCounter,
    merge: true,
    prettyErrors: true,
    // The parser's own check compares every key with every other (quadratic); `duplicateKeys` uses a set.
    uniqueKeys: false,
  });
  const shown = displayFile(file);
  const at = (offset: number): string => {
    const position = lineCounter.linePos(offset);
    return `${shown}:${position.line}:${position.col}`;
  };
  const issues: ConfigIssue[] = [];
  for (const error of doc.errors) {
    const position = error.linePos?.[0];
    issues.push({
      code: 'config.syntax',
      message: firstLine(error.message),
      path: [],
      location: position ? `${shown}:${position.line}:${position.col}` : `${shown}:1:1`,
    });
  }
  if (doc.contents) issues.push(...duplicateKeys(doc, at));
  const present = prefix.length === 0 || doc.hasIn(prefix);
  const scope = prefix.length === 0 ? doc : doc.getIn(prefix, true);
  if (issues.length === 0 && present && isNode(scope)) issues.push(...unsafeConstructs(scope, at, masked));
  else if (issues.length === 0 && present && prefix.length === 0)
    issues.push(...unsafeConstructs(doc, at, masked));

  let value: unknown;
  if (issues.length === 0) {
    try {
      const whole: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      value = prefix.reduce<unknown>((current, key) => (isRecord(current) ? current[key] : undefined), whole);
    } catch (error) {
      issues.push({
        code: 'config.unsafe',
        message: `too many alias expansions (${error instanceof Error ? error.message : String(error)})`,
        path: [],
        location: firstAliasLocation(doc, at) ?? `${shown}:1:1`,
        hint: `YAML anchors and aliases may expand at most ${MAX_ALIAS_COUNT} times; write the values out`,
      });
    }
  }

  const nodeAt = (path: Path): Node | undefined => {
    for (let length = path.length; length >= 0; length--) {
      const node = doc.getIn([...prefix, ...path.slice(0, length)], true);
      if (isNode(node) && node.range) return node;
    }
    return undefined;
  };
  const locate = (path: Path): string | undefined => {
    const node = nodeAt(path);
    return node?.range ? at(node.range[0]) : undefined;
  };
  const locateKey = (path: Path): string | undefined => {
    const parent = doc.getIn([...prefix, ...path.slice(0, -1)], true);
    const last = path[path.length - 1];
    if (isMap(parent)) {
      for (const pair of parent.items) {
        if (isScalar(pair.key) && pair.key.value === last && pair.key.range) return at(pair.key.range[0]);
      }
    }
    return locate(path);
  };
  return { file, prefix, present, value, issues, locate, locateKey };
}

/** Keys that repeat within one map, found with a set per map (time linear in the document). */
function duplicateKeys(doc: Document, at: (offset: number) => string): ConfigIssue[] {
  const { isScalar, visit } = yamlModule();
  const issues: ConfigIssue[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Map<unknown, number | undefined>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = pair.key.value;
        if (key === '<<') continue; // merge keys may repeat
        const offset = pair.key.range?.[0];
        if (!seen.has(key)) {
          seen.set(key, offset);
          continue;
        }
        const first = seen.get(key);
        issues.push({
          code: 'config.syntax',
          message: `Map keys must be unique: "${String(key)}" is repeated${first === undefined ? '' : ` (first at ${at(first)})`}`,
          path: [],
          location: offset === undefined ? undefined : at(offset),
          hint: 'remove or rename one of the entries',
        });
      }
    },
  });
  return issues;
}

function unsafeConstructs(doc: Document | Node, at: (offset: number) => string, text: string): ConfigIssue[] {
  const { isPair, isScalar, visit } = yamlModule();
  const issues: ConfigIssue[] = [];
  visit(doc, {
    Node(_key, node) {
      if (node.tag !== undefined && !ALLOWED_TAGS.has(node.tag) && node.range) {
        issues.push({
          code: 'config.unsafe',
          message: `custom YAML tag ${node.tag} is not allowed`,
          path: [],
          location: at(tagStart(text, node.range[0])),
          hint: 'remove the tag; config values are plain strings, numbers, booleans, lists and maps',
        });
      }
    },
    Pair(_key, pair) {
      if (isPair(pair) && isScalar(pair.key) && PROTOTYPE_KEYS.has(String(pair.key.value))) {
        issues.push({
          code: 'config.unsafe',
          message: `key "${String(pair.key.value)}" is not allowed`,
          path: [],
          location: pair.key.range ? at(pair.key.range[0]) : undefined,
          hint: '__proto__, constructor and prototype could change how every object behaves; rename the key',
        });
      }
    },
  });
  return issues;
}

/** Offset of the tag token (`!foo`, `!!js/function`) that precedes a node's value. */
function tagStart(text: string, valueOffset: number): number {
  let index = Math.max(0, text.lastIndexOf('!', valueOffset));
  while (index > 0 && !/[\s,[{]/.test(text.charAt(index - 1))) index--;
  return index;
}

function firstAliasLocation(doc: Document, at: (offset: number) => string): string | undefined {
  const { isAlias, visit } = yamlModule();
  let location: string | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && node.range) {
        location = at(node.range[0]);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return location;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
