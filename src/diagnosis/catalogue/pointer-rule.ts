import type { Stack } from './stacks.js';

/** A place in the repository where a cause's fix usually goes: files whose path matches, then a line. */
export interface PointerRule {
  /** Tested against the path relative to the workspace, with `/` separators. */
  file: RegExp;
  line: RegExp;
  /** What was looked for, in words (shown when nothing was found). */
  what: string;
  /** Only for these stacks: skipped when the evidence shows another one. */
  stacks?: readonly Stack[];
}
