/**
 * How the `postgres` store passes the rows of a multi-entry write: a small batch (the usual case: a
 * checkpoint head, maybe a chunk and its events) as plain text parameters, a large one as two arrays.
 */

/**
 * Batches up to this many rows bind each key and value as its own parameter. An array parameter costs far
 * more than its rows: pg escapes every quote of the JSON values into an array literal, and the server
 * parses it back character by character (about 150 µs of client CPU plus 100 µs of server time for one
 * 5 KB checkpoint head, more than the rest of the write).
 */
export const LISTED_ROWS = 8;

/**
 * The `given(key, value)` row source of a statement whose rows start at parameter `$first`: a `VALUES`
 * list of `count` rows for a small batch, else `UNNEST` of a key array and a value array.
 */
export function givenRows(count: number, first: number): string {
  if (count < 1 || count > LISTED_ROWS)
    return `UNNEST($${first}::text[], $${first + 1}::text[]) AS given(key, value)`;
  const rows: string[] = [];
  for (let row = 0; row < count; row++) {
    const key = first + 2 * row;
    rows.push(`($${key}::text, $${key + 1}::text)`);
  }
  return `(VALUES ${rows.join(', ')}) AS given(key, value)`;
}

/** The parameters `givenRows(entries.length, …)` reads: key, value, key, value … or the two arrays. */
export function rowValues(entries: readonly { key: string; entry: unknown }[]): unknown[] {
  if (entries.length < 1 || entries.length > LISTED_ROWS)
    return [entries.map((entry) => entry.key), entries.map((entry) => entry.entry)];
  const values: unknown[] = [];
  for (const entry of entries) values.push(entry.key, entry.entry);
  return values;
}

/** The statement of each batch size (1 … LISTED_ROWS, then one for any other), built once when first used. */
export class RowStatements {
  readonly #built = new Map<number, { name: string; text: string }>();

  /**
   * @param name the statement name of a batch size (`rows` is `many` outside 1 … LISTED_ROWS); names are per connection
   * @param text the statement with the row source of that size
   */
  constructor(
    private readonly name: (rows: string) => string,
    private readonly text: (given: (first: number) => string) => string,
  ) {}

  /** The statement for a batch of `count` rows. */
  for(count: number): { name: string; text: string } {
    const size = count < 1 || count > LISTED_ROWS ? LISTED_ROWS + 1 : count;
    let statement = this.#built.get(size);
    if (statement === undefined) {
      statement = {
        name: this.name(size > LISTED_ROWS ? 'many' : String(size)),
        text: this.text((first) => givenRows(size, first)),
      };
      this.#built.set(size, statement);
    }
    return statement;
  }
}
