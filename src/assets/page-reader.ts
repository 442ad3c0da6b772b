/**
 * The page reader (pages.js, and parse5 with it), loaded with the first answer that could be a page and then
 * reused by every later answer, of the deploy and of the baseline: an import() per route costs ~18 µs.
 */
let reader: Promise<typeof import('./pages.js')> | undefined;
export const pageReader = () => (reader ??= import('./pages.js'));
