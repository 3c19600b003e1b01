import assert from 'node:assert/strict';
import net from 'node:net';
import { afterEach, test } from 'node:test';
import checkServices from './test-services.mjs';

const saved = { ...process.env };
afterEach(() => {
  for (const key of ['REDIS_URL', 'DATABASE_URL', 'AGENTRY_SKIP_INT']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

async function listening() {
  const server = net.createServer((socket) => socket.end());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: server.address().port };
}

async function closedPort() {
  const { server, port } = await listening();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('passes when both services answer', async () => {
  const { server, port } = await listening();
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
  process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${port}/test`;
  try {
    await checkServices();
  } finally {
    server.close();
  }
});

test('fails naming each service that does not answer and how to fix it', async () => {
  const { server, port } = await listening();
  const dead = await closedPort();
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
  process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${dead}/test`;
  try {
    await assert.rejects(checkServices(), (error) => {
      assert.match(
        error.message,
        new RegExp(`PostgreSQL at postgres://postgres@127.0.0.1:${dead}/test \\(DATABASE_URL\\)`),
      );
      assert.doesNotMatch(error.message, /Redis at/);
      assert.match(error.message, /AGENTRY_SKIP_INT=1/);
      return true;
    });
  } finally {
    server.close();
  }
});

test('AGENTRY_SKIP_INT=1 skips the check on purpose', async () => {
  process.env.AGENTRY_SKIP_INT = '1';
  process.env.REDIS_URL = `redis://127.0.0.1:${await closedPort()}`;
  await checkServices();
});
