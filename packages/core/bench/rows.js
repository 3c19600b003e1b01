// Printing bench rows ({ name, value, unit, target? }) for the bench files that also run on their own.
import { pathToFileURL } from 'node:url';

/** Core's public entry and its internal one (the checkpointer the durable and redaction rows build lives there). */
export async function loadCore() {
  return { ...(await import('../dist/index.js')), ...(await import('../dist/internal.js')) };
}

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl) {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}

/** One line per row: name, value, unit and the verdict against its target. */
export function printRows(rows) {
  const width = Math.max(...rows.map((row) => row.name.length)) + 2;
  for (const row of rows) {
    const verdict =
      row.target === undefined
        ? ''
        : row.value <= row.target
          ? `  ok (< ${row.target})`
          : `  OVER TARGET (${row.target})`;
    console.log(
      `${row.name.padEnd(width)} ${row.value.toFixed(row.unit === '×' ? 2 : 1).padStart(9)} ${row.unit}${verdict}`,
    );
  }
}
