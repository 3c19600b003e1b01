/**
 * Serves the console's static build (`packages/console/dist`) with a strict Content-Security-Policy:
 * scripts, styles and connections from this origin only, no inline script, no framing. Paths that are
 * not files get `index.html`, so the console's own routes load on refresh.
 */
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Headers of every console response. */
export function consoleHeaders(contentType: string, immutable: boolean): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
}

/** Reads console files from one directory; never serves anything outside it. */
export class ConsoleAssets {
  private readonly root: string;

  constructor(directory: string) {
    this.root = path.resolve(directory);
  }

  /** The response for a console path, or `undefined` when the build has no index.html. */
  async respond(urlPath: string): Promise<Response | undefined> {
    let relative: string;
    try {
      relative = decodeURIComponent(urlPath).replace(/^\/+/, '');
    } catch {
      relative = '';
    }
    const candidate = path.resolve(this.root, relative);
    const inside = candidate === this.root || candidate.startsWith(this.root + path.sep);
    if (inside && relative !== '' && (await isFile(candidate))) {
      const type = TYPES[path.extname(candidate)] ?? 'application/octet-stream';
      const body = await readFile(candidate);
      return new Response(body, { headers: consoleHeaders(type, relative.startsWith('assets/')) });
    }
    if (relative.startsWith('assets/')) return new Response('Not found', { status: 404 });
    const index = path.join(this.root, 'index.html');
    if (!(await isFile(index))) return undefined;
    return new Response(await readFile(index), { headers: consoleHeaders(TYPES['.html'] as string, false) });
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The console build that ships with `@agentry/console`, or `undefined` when it is not installed. */
export function defaultConsoleDir(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('@agentry/console/package.json');
    return path.join(path.dirname(manifest), 'dist');
  } catch {
    return undefined;
  }
}
