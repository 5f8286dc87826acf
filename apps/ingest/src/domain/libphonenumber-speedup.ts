import { dirname, join } from 'node:path';

/**
 * libphonenumber-js builds a new RegExp from the metadata's pattern text on every check
 * (`matchesEntirely`), which made it most of an ingest's CPU time. Its compiled modules look the
 * helper up on its exports object at each call, so replacing that export with one that caches the
 * compiled expressions (a few thousand patterns at most) makes every caller use the cache. Results
 * are unchanged (same expressions; `test` on a non-global RegExp keeps no state). If a version of
 * the library lays its files out differently, nothing is patched and it just runs slower.
 */
export function installLibphonenumberRegexpCache(): boolean {
  let helper: { default?: unknown; __outdialCached?: boolean };
  try {
    const root = dirname(require.resolve('libphonenumber-js/package.json'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    helper = require(join(root, 'build', 'helpers', 'matchesEntirely.js'));
  } catch {
    return false;
  }
  if (helper.__outdialCached) return true;
  if (typeof helper.default !== 'function') return false;
  const cache = new Map<string, RegExp>();
  helper.default = function matchesEntirely(text: string | undefined, pattern: string): boolean {
    let expression = cache.get(pattern);
    if (!expression) {
      expression = new RegExp(`^(?:${pattern})$`);
      cache.set(pattern, expression);
    }
    return expression.test(text || '');
  };
  helper.__outdialCached = true;
  return true;
}
