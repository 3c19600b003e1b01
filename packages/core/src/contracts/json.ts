/** Plain JSON values: the only thing Agentry persists, checkpoints or sends across processes. */

/** A JSON primitive. */
export type JsonPrimitive = string | number | boolean | null;
/** Any JSON value; `undefined`, functions, BigInt, Map, Set and class instances are not JSON. */
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
/** A JSON object with string keys. */
export interface JsonObject {
  [key: string]: JsonValue;
}
