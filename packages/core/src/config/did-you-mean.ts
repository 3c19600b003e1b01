/** Did-you-mean suggestions: the closest known name by Levenshtein distance. */

/** Edit distance between two strings (insertions, deletions, substitutions, adjacent transpositions). */
export function levenshtein(left: string, right: string): number {
  if (left === right) return 0;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    const current = [row];
    for (let column = 1; column <= right.length; column++) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let distance = Math.min(
        (previous[column] ?? 0) + 1,
        (current[column - 1] ?? 0) + 1,
        (previous[column - 1] ?? 0) + cost,
      );
      const transposed =
        row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1];
      if (transposed) distance = Math.min(distance, (beforePrevious[column - 2] ?? 0) + 1);
      current[column] = distance;
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[right.length] ?? 0;
}

/**
 * The candidate closest to `input`, or undefined when none is close enough
 * (distance at most a third of the longer name, at least 1; case is ignored).
 */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = levenshtein(needle, candidate.toLowerCase());
    const limit = Math.max(1, Math.floor(Math.max(needle.length, candidate.length) / 3));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `did you mean "x"?`, or undefined when nothing is close. */
export function suggestionHint(input: string, candidates: Iterable<string>): string | undefined {
  const match = didYouMean(input, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}
