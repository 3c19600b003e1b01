/**
 * @agentry/plugins/store: the builtin stores over keyv — `sqlite` (embedded
 * default), `file`, `redis`, `postgres`. The in-memory `memory` store is in
 * @agentry/core.
 * @module
 */
export { FileStore, type FileStoreOptions } from './file-store.js';
export { PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export { RedisStore, type RedisStoreOptions } from './redis-store.js';
export { DEFAULT_SQLITE_PATH, SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
