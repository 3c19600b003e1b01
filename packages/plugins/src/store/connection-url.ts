/** Connection URLs for the server-backed stores: where they come from and how to name them without secrets. */
import { type PluginDeps, PluginError } from '@agentry/core';

/** `scheme://host:port/path` of a URL, without user name, password or query (safe for messages). */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}

/** The configured URL, else the environment variable, else a `plugin.config_invalid` error that says how to set one. */
export function resolveUrl(store: string, configured: string | undefined, variable: string): string {
  const url = configured ?? process.env[variable];
  if (url === undefined || url === '') {
    throw new PluginError('plugin.config_invalid', {
      message: `${store} store needs a connection URL: none in its config and ${variable} is not set`,
      hint: `Set store.config.url (e.g. url: \${env:${variable}}) or export ${variable}.`,
      context: { plugin: store },
    });
  }
  return url;
}

/** Registers the password of a connection URL with the runtime's redactor, so it never appears in output. */
export function registerUrlSecret(url: string, deps: Pick<PluginDeps, 'redactor'>): void {
  try {
    const password = new URL(url).password;
    if (password !== '') deps.redactor?.addSecret(decodeURIComponent(password));
  } catch {
    // An unparsable URL fails later, when connecting, with a store.unavailable error.
  }
}
