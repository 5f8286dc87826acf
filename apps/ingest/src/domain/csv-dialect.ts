/** Separators SPEC §2 accepts, in the order ties are broken. */
export const SEPARATORS = [',', ';', '\t', '|'] as const;

/**
 * Picks the separator of a CSV from its first line: the candidate that occurs most often outside
 * quotes. A header with a single column has none; then `,` (it makes no difference).
 */
export function detectSeparator(sample: string): string {
  const text = sample.replace(/^\uFEFF/, '');
  const counts = new Map<string, number>(SEPARATORS.map((s) => [s, 0]));
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      if (inQuotes && text[i + 1] === '"') i++;
      else inQuotes = !inQuotes;
    } else if (!inQuotes && (ch === '\n' || ch === '\r')) {
      break;
    } else if (!inQuotes && counts.has(ch)) {
      counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
  }
  let best: string = ',';
  let bestCount = 0;
  for (const separator of SEPARATORS) {
    const count = counts.get(separator) ?? 0;
    if (count > bestCount) {
      best = separator;
      bestCount = count;
    }
  }
  return best;
}
