#!/usr/bin/env node
// Import check: no file-level or folder-level import cycle inside a package (folders at every depth), and no
// import against the allowed direction between workspace packages (cli → server → core, cli → plugins → core,
// core alone).
//
// Usage: node scripts/check-imports.mjs [repoRoot]   — exits 1 and lists every violation it finds.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Which workspace packages each package may import. A package not listed here fails the check until it
 * is added, so a new package states its place in the direction on purpose.
 */
export const ALLOWED_IMPORTS = {
  '@agentry/core': [],
  '@agentry/plugins': ['@agentry/core'],
  '@agentry/server': ['@agentry/core', '@agentry/plugins'],
  '@agentry/cli': ['@agentry/core', '@agentry/plugins', '@agentry/server'],
  '@agentry/console': [],
};

const SOURCE = /\.(?:ts|tsx|mts|cts)$/;
const TEST = /\.(?:test|int\.test)\.(?:ts|tsx|mts|cts)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.turbo', 'coverage', '__fixtures__']);
const STATIC_IMPORT = /\b(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/g;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Removes comments so a specifier quoted in a comment or a doc example is not taken for an import. */
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/**
 * The module specifiers a TypeScript source imports or re-exports. Static imports (type-only ones
 * included) are what a cycle is made of; a dynamic `import()` loads lazily, so it counts for the package
 * direction only.
 */
export function importSpecifiers(text) {
  const code = stripComments(text);
  return [
    ...[...code.matchAll(STATIC_IMPORT)].map((match) => ({ specifier: match[1], dynamic: false })),
    ...[...code.matchAll(DYNAMIC_IMPORT)].map((match) => ({ specifier: match[1], dynamic: true })),
  ];
}

function listFiles(dir) {
  const files = [];
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(full));
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(full);
  }
  return files;
}

function resolveRelative(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const stem = base.replace(/\.(?:js|mjs|cjs|jsx)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, path.join(base, 'index.ts')];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

function workspacePackageOf(specifier) {
  if (!specifier.startsWith('@agentry/')) return undefined;
  return specifier.split('/').slice(0, 2).join('/');
}

/**
 * The cycles of a directed graph: one entry per strongly connected component, with its members and one
 * closed path through them as an example.
 */
export function findCycles(graph) {
  let index = 0;
  const indices = new Map();
  const lowlinks = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const visit = (node) => {
    indices.set(node, index);
    lowlinks.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        lowlinks.set(node, Math.min(lowlinks.get(node), lowlinks.get(next)));
      } else if (onStack.has(next)) {
        lowlinks.set(node, Math.min(lowlinks.get(node), indices.get(next)));
      }
    }
    if (lowlinks.get(node) === indices.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = (graph.get(node) ?? new Set()).has(node);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return components.map((component) => ({
    members: component.sort(),
    path: cyclePath(graph, new Set(component)),
  }));
}

/** A readable closed path through one strongly connected component: a → b → … → a. */
function cyclePath(graph, members) {
  const start = [...members].sort()[0];
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let step = node; step !== start; step = previous.get(step)) path.splice(1, 0, step);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

function addEdge(graph, from, to) {
  if (!graph.has(from)) graph.set(from, new Set());
  graph.get(from).add(to);
}

/**
 * Checks one workspace package: its own imports against {@link ALLOWED_IMPORTS}, then file and folder
 * cycles among its non-test sources under `src/`. Folder cycles are checked at every depth: the rooms of
 * `src/` among themselves, the sub-folders of each room among themselves, and so on. Type-only imports
 * count (a type cycle is still a design cycle); a test file is outside both graphs (nothing imports it).
 */
export function checkPackage(packageDir, allowed = ALLOWED_IMPORTS) {
  const problems = [];
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const name = manifest.name;
  const srcDir = path.join(packageDir, 'src');
  const allowedPackages = allowed[name];
  if (allowedPackages === undefined) {
    problems.push(
      `${name}: not in the package direction table; add it to ALLOWED_IMPORTS in scripts/check-imports.mjs`,
    );
  }
  const fileGraph = new Map();
  const folderGraph = new Map();
  const folderEdges = new Map();
  const fromSrc = (file) => path.relative(srcDir, file).split(path.sep).join('/');
  const files = ['src', 'test', 'scripts', 'bench'].flatMap((dir) => listFiles(path.join(packageDir, dir)));
  for (const file of files) {
    const relativeFile = path.relative(packageDir, file).split(path.sep).join('/');
    const inGraph = file.startsWith(srcDir + path.sep) && !TEST.test(file);
    if (inGraph && !fileGraph.has(file)) fileGraph.set(file, new Set());
    for (const { specifier, dynamic } of importSpecifiers(readFileSync(file, 'utf8'))) {
      const target = workspacePackageOf(specifier);
      if (target !== undefined && target !== name && allowedPackages !== undefined) {
        if (!allowedPackages.includes(target)) {
          const may = allowedPackages.length === 0 ? 'no workspace package' : allowedPackages.join(', ');
          problems.push(`${name}: ${relativeFile} imports ${specifier}; ${name} may import ${may}`);
        }
      }
      if (!inGraph || dynamic || !specifier.startsWith('.')) continue;
      const resolved = resolveRelative(file, specifier);
      if (resolved === undefined || !resolved.startsWith(srcDir + path.sep) || TEST.test(resolved)) continue;
      addEdge(fileGraph, file, resolved);
      linkFolders(folderGraph, folderEdges, fromSrc(file), fromSrc(resolved));
    }
  }
  for (const cycle of findCycles(fileGraph)) {
    problems.push(`${name}: file import cycle ${cycle.path.map(fromSrc).join(' → ')}`);
  }
  for (const cycle of findCycles(folderGraph)) {
    const members = cycle.members.map((folder) => `${folder}/`).join(', ');
    const steps = cycle.path.slice(1).map((to, step) => folderEdges.get(`${cycle.path[step]}→${to}`));
    problems.push(
      `${name}: folder import cycle among ${members} (for example ${cycle.path.join('/ → ')}/: ${steps.join('; ')})`,
    );
  }
  return problems;
}

/**
 * Adds the folder-level edge an import between two source files (paths relative to `src/`) makes: between
 * the two sibling folders under their nearest common folder that hold them. `runtime/run/x.ts` importing
 * `runtime/tools/y.ts` links `runtime/run` → `runtime/tools`; importing `config/z.ts` links `runtime` →
 * `config`. Files directly in a folder are the parent of its sub-folders, not one of them, so an import
 * between them and a sub-folder (or within one folder) links nothing. The first import seen for an edge is
 * kept as its example.
 */
function linkFolders(graph, examples, fromFile, toFile) {
  const fromParts = fromFile.split('/').slice(0, -1);
  const toParts = toFile.split('/').slice(0, -1);
  let common = 0;
  while (common < fromParts.length && common < toParts.length && fromParts[common] === toParts[common]) {
    common += 1;
  }
  if (common === fromParts.length || common === toParts.length) return;
  const from = fromParts.slice(0, common + 1).join('/');
  const to = toParts.slice(0, common + 1).join('/');
  addEdge(graph, from, to);
  const key = `${from}→${to}`;
  if (!examples.has(key)) examples.set(key, `${fromFile} imports ${toFile}`);
}

/** The workspace packages of a repository: every `packages/<name>/package.json`. */
export function workspacePackages(repoRoot) {
  const packagesDir = path.join(repoRoot, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(packagesDir, entry.name, 'package.json')))
    .map((entry) => path.join(packagesDir, entry.name));
}

export function checkRepository(repoRoot) {
  return workspacePackages(repoRoot).flatMap((packageDir) => checkPackage(packageDir));
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repoRoot = path.resolve(
    process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'),
  );
  const problems = checkRepository(repoRoot);
  if (problems.length > 0) {
    console.error(
      `check-imports: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    process.exit(1);
  }
  console.log(`check-imports: ${workspacePackages(repoRoot).length} packages, no cycles, direction kept`);
}
