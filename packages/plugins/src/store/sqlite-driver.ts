/**
 * The SQLite connection under the `sqlite` store: Node's own `node:sqlite` from Node 24 on, better-sqlite3
 * before. better-sqlite3 12 (the last line that builds for Node 20) aborts Node 24 processes when its
 * statements are collected at teardown (`RemoveEnvironmentCleanupHook: (env) != nullptr`, SIGABRT); its
 * fix, better-sqlite3 13, needs Node 22. Node 22 keeps better-sqlite3 because its `node:sqlite` still
 * prints an experimental warning.
 */

/** The part of `node:sqlite` used here (its types are not in @types/node 20). */
interface NodeSqliteModule {
  DatabaseSync: new (
    path: string,
    options: { timeout: number },
  ) => {
    readonly isOpen: boolean;
    readonly isTransaction: boolean;
    exec(sql: string): void;
    prepare(sql: string): {
      run(...parameters: unknown[]): { changes: number | bigint };
      get(...parameters: unknown[]): unknown;
      all(...parameters: unknown[]): unknown[];
    };
    close(): void;
  };
}

/** A prepared statement, typed by its parameters and its row. */
export interface SqliteStatement<Parameters extends unknown[], Row = unknown> {
  run(...parameters: Parameters): { changes: number | bigint };
  get(...parameters: Parameters): Row | undefined;
  all(...parameters: Parameters): Row[];
}

/** One open database file, as the store's adapter and leases use it. */
export interface SqliteConnection {
  /** `better-sqlite3` or `node:sqlite`. */
  readonly driver: string;
  readonly open: boolean;
  exec(sql: string): void;
  prepare<Parameters extends unknown[] = unknown[], Row = unknown>(
    sql: string,
  ): SqliteStatement<Parameters, Row>;
  /** Wraps `body` in BEGIN … COMMIT (ROLLBACK when it throws). */
  transaction<Arguments extends unknown[]>(body: (...args: Arguments) => void): (...args: Arguments) => void;
  /**
   * Wraps `body` in BEGIN IMMEDIATE … COMMIT (ROLLBACK when it throws): the database's write lock is
   * taken first, so nothing another connection writes can come between what `body` reads and writes.
   */
  immediate<Arguments extends unknown[], Result>(
    body: (...args: Arguments) => Result,
  ): (...args: Arguments) => Result;
  close(): void;
}

/** Opens `path` with the driver for this Node version, waiting up to `busyTimeoutMs` for a lock. */
export async function openSqlite(path: string, busyTimeoutMs: number): Promise<SqliteConnection> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 24) return openNodeSqlite(path, busyTimeoutMs);
  // Loaded on first use: importing the plugins must not load a native addon.
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path, { timeout: busyTimeoutMs });
  return {
    driver: 'better-sqlite3',
    get open() {
      return db.open;
    },
    exec: (sql) => void db.exec(sql),
    prepare: <Parameters extends unknown[], Row>(sql: string) =>
      db.prepare(sql) as unknown as SqliteStatement<Parameters, Row>,
    transaction: (body) => db.transaction(body),
    immediate: (body) => db.transaction(body).immediate,
    close: () => db.close(),
  };
}

async function openNodeSqlite(path: string, busyTimeoutMs: number): Promise<SqliteConnection> {
  const specifier = 'node:sqlite';
  const { DatabaseSync } = (await import(specifier)) as NodeSqliteModule;
  const db = new DatabaseSync(path, { timeout: busyTimeoutMs });
  const inTransaction =
    <Arguments extends unknown[], Result>(begin: string, body: (...args: Arguments) => Result) =>
    (...args: Arguments): Result => {
      db.exec(begin);
      try {
        const result = body(...args);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw error;
      }
    };
  return {
    driver: 'node:sqlite',
    get open() {
      return db.isOpen;
    },
    exec: (sql) => db.exec(sql),
    prepare: <Parameters extends unknown[], Row>(sql: string) => {
      const statement = db.prepare(sql);
      return {
        run: (...parameters: Parameters) => statement.run(...parameters),
        get: (...parameters: Parameters) => statement.get(...parameters) as Row | undefined,
        all: (...parameters: Parameters) => statement.all(...parameters) as Row[],
      };
    },
    transaction: (body) => inTransaction('BEGIN', body),
    immediate: (body) => inTransaction('BEGIN IMMEDIATE', body),
    close: () => db.close(),
  };
}
