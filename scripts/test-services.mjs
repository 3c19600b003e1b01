// The `int` test project's global setup: Redis and PostgreSQL must answer before any integration test runs,
// so `npm test` never skips them silently. `AGENTRY_SKIP_INT=1` skips them on purpose (and says so).
import net from 'node:net';

const TIMEOUT_MS = 3000;

/** Resolves when something listens at the URL's host and port; rejects with a reason otherwise. */
function answers(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.setTimeout(TIMEOUT_MS, () => {
      socket.destroy();
      reject(new Error(`no answer within ${TIMEOUT_MS} ms`));
    });
    socket.on('error', reject);
    socket.on('connect', () => {
      socket.end();
      resolve();
    });
  });
}

export default async function checkServices() {
  if (process.env.AGENTRY_SKIP_INT === '1') {
    console.warn('AGENTRY_SKIP_INT=1: the Redis and PostgreSQL integration tests are skipped.');
    return;
  }
  const services = [
    ['Redis', 'REDIS_URL', process.env.REDIS_URL],
    ['PostgreSQL', 'DATABASE_URL', process.env.DATABASE_URL],
  ];
  const missing = [];
  for (const [name, variable, url] of services) {
    await answers(url).catch((error) => missing.push(`${name} at ${url} (${variable}): ${error.message}`));
  }
  if (missing.length > 0) {
    throw new Error(
      `integration tests need Redis and PostgreSQL, and these do not answer:\n  ${missing.join('\n  ')}\n` +
        'Start them (docs/guides/testing.md), point REDIS_URL / DATABASE_URL at running ones, ' +
        'or set AGENTRY_SKIP_INT=1 to skip the integration tests on purpose.',
    );
  }
}
