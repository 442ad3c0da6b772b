import type { InsertedElement } from './inserted.js';

/** An attribute's value as the parser read it (names are lower-case, the first of duplicates wins). */
export function attr(element: InsertedElement, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}
