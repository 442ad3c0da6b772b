/** A duration as formatDuration writes it: 45ms, 4.3s, 4s, 2m, 2m 5s. */
const DURATION = String.raw`\b(?:\d+m(?: \d+s)?|\d+(?:\.\d+)? ?(?:ms|s))\b`;

/**
 * What changes from one real run to the next, replaced by stable marks so a golden file holds what a
 * user reads and nothing the clock or the kernel chose: ports, durations, dates, chart coordinates, the
 * random probe path and the comment's encoded history. Request counts are kept unless a run's length
 * depends on the clock (`counts: true`), since they are part of the story ("ready after 3 requests").
 */
export function normalise(text: string, options: { counts?: boolean } = {}): string {
  let bars = 0;
  let out = text
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
    .replace(/__post-deploy-gate-[0-9a-f]+/g, '__post-deploy-gate-RANDOM')
    .replace(/post-deploy-gate:history=[A-Za-z0-9+/=]+/g, 'post-deploy-gate:history=BASE64')
    .replace(/\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?Z?)?/g, 'YYYY-MM-DD HH:MM')
    // Chart coordinates (ms since start) become a staircase of one-second bars: the bars, their order and
    // colour stay, and the chart still renders on GitHub; their real lengths are in the live summary.
    .replace(/^  tickInterval \S+$/m, '  tickInterval 1second')
    .replace(/^(  [^\n:]+ :(?:crit|done|active)), \d+, \d+$/gm, (_m, bar: string) => {
      const start = 1000 * bars++;
      return `${bar}, ${start}, ${start + 1000}`;
    })
    // Durations where a time is shown ("in 45ms", "after 4.3s", "| 12ms |", "0s – 1.2s", "4.5s in all"),
    // not inside a message ("such as 1500ms, 30s").
    .replace(
      new RegExp(
        `(?<=\\b(?:in|after|at|for|about|around) |\\| |– )${DURATION}|${DURATION}(?= in all| – | \\|| after ready)`,
        'g',
      ),
      'N.Ns',
    );
  if (options.counts) {
    out = out
      .replace(/\b\d+ (requests?|times?|attempts?|rounds?|answers?)\b/g, 'N $1')
      .replace(/\b\d+ of \d+ (answers|healthy answers)\b/g, 'N of M $1')
      .replace(/\b\d+ of N (answers)\b/g, 'N of M $1')
      .replace(/\b\d+ (bad answers?)/g, 'N $1')
      .replace(/\babout \d+%/g, 'about N%')
      .replace(/\b\d+ more answers, \d+ bad\b/g, 'N more answers, N bad')
      // The answers of an alternating route, one by one: how many depends on the clock.
      .replace(/(in order: )[^`\n]*/g, '$1…')
      .replace(/×\d+/g, '×N');
  }
  return out;
}
