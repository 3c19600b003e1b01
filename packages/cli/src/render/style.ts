/** Colours and symbols that switch off when output is not a terminal or NO_COLOR is set. */
import pc from 'picocolors';
import type { CliWriter } from '../io.js';

/** The colour functions the CLI uses; identity functions when colour is off. */
export type Style = ReturnType<typeof pc.createColors> & {
  readonly enabled: boolean;
  /** Mark for success / failure / warning / suspended lines. */
  readonly symbols: { ok: string; fail: string; warn: string; pause: string; dot: string };
};

/** True when `writer` should get colours: a TTY, NO_COLOR unset, TERM not `dumb` (FORCE_COLOR forces it). */
export function colorEnabled(writer: CliWriter, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return writer.isTTY === true && env.TERM !== 'dumb';
}

/** A style for one writer. */
export function createStyle(enabled: boolean): Style {
  const colors = pc.createColors(enabled);
  return Object.assign(colors, {
    enabled,
    symbols: enabled
      ? {
          ok: colors.green('✔'),
          fail: colors.red('✖'),
          warn: colors.yellow('!'),
          pause: colors.yellow('⏸'),
          dot: '·',
        }
      : { ok: '✔', fail: '✖', warn: '!', pause: '⏸', dot: '-' },
  });
}
