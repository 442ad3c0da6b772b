import { formatDuration } from '../config/duration.js';
import type { Diagnosis } from './compare.js';
import type { ReadinessResult } from '../readiness.js';
import type { RouteResult } from '../smoke.js';
import type { WatchResult } from '../watch.js';
import type { AssetCheck } from '../assets/types.js';
import type { CauseId } from './catalogue/causes.js';
import { cacheHit } from './cache.js';

/**
 * The one sentence that goes into notifications and chat (the `summary` output, the first line of the
 * summary, the comment and the terminal). It counts every failing route, not only the main cause's, and
 * says how many the other causes cover: "3 of 5 routes fail: 2 rejected for their Host (Django), 1
 * stylesheet missing." Plain text: no Markdown, no backticks.
 */

export interface HeadlineInput {
  readiness?: ReadinessResult;
  routes: RouteResult[];
  /** Ordered: the first is the main cause. */
  diagnoses: Diagnosis[];
  /** The verdict is inconclusive: the routes were not measured, so they "could not be checked". */
  inconclusive?: boolean;
  /** The watch after the pass, when it ran. */
  watch?: WatchResult;
  /** The scripts and stylesheets the pages load (check-assets): a page whose assets fail is a failing route. */
  assets?: AssetCheck;
}

/** Causes named one by one; the rest are counted together. */
const NAMED_CAUSES = 3;

export function headline(input: HeadlineInput): string {
  const { readiness, routes, diagnoses } = input;
  const labels = new Set(routes.map((r) => r.route.label));
  // A route fails when it failed its check, or when it is a page whose scripts or stylesheets fail.
  const failed = new Set(routes.filter((r) => !r.passed).map((r) => r.route.label));
  for (const page of input.assets?.pages ?? [])
    if (page.failed.length && labels.has(page.route)) failed.add(page.route);
  const covered = (d: Diagnosis) => d.routes.filter((label) => failed.has(label)).length;
  const failing = failed.size;
  const fail = (n: number) => (input.inconclusive ? 'could not be checked' : n === 1 ? 'fails' : 'fail');
  const subject = failingRoutes(failing, routes.length);
  if (diagnoses.length === 0) return failing === 0 ? passSentence(input) : `${capitalize(subject)} ${fail(failing)}.`;

  const routeCauses = diagnoses.filter((d) => covered(d) > 0);
  const primary = diagnoses[0]!;
  if (covered(primary) === 0) {
    // Stale version, a failed deployment, health alone: its own sentence, then what the routes did.
    const rest = failing ? ` ${capitalize(subject)} ${fail(failing)} too: ${parts(routeCauses, covered)}.` : '';
    return `${plain(primary.headline)}.${rest}`;
  }
  const healthToo = routeCauses.some((d) =>
    d.routes.some((label) => !labels.has(label) && label.startsWith('health ')),
  );
  // Health out of a cache says nothing about the backend now: never "fine" then.
  const cached = readiness?.ready ? cacheHit(readiness.lastHealthy) : undefined;
  const lead = healthToo
    ? `Health and ${subject} ${fail(2)}`
    : readiness?.ready
      ? `${cached ? `Health was answered from ${cached.who}'s cache` : 'Health is fine'}, but ${subject} ${fail(failing)}`
      : `${capitalize(subject)} ${fail(failing)}`;
  // One cause for every failing route: its own words (a diagnosis without a separate meaning, such as the
  // assets', has a sentence of its own); several: what each covers.
  const why =
    routeCauses.length === 1
      ? primary.meaning
        ? plain(primary.meaning)
        : uncapitalize(plain(primary.headline))
      : parts(routeCauses, covered, input.assets);
  return `${lead}: ${why}.`;
}

function passSentence({ readiness, routes, assets, watch }: HeadlineInput): string {
  const warmed = routes.filter((r) => r.flaky).length;
  const watched = watch
    ? `; watched for ${formatDuration(watch.endedAtMs - watch.startedAtMs)}: ${watch.rounds} rounds, ${watch.badAnswers ? `${watch.badAnswers} bad answer(s), none lasting` : 'all healthy'}`
    : '';
  const ready = readiness?.readyAtMs !== undefined ? `Ready after ${formatDuration(readiness.readyAtMs)}; ` : '';
  const loaded = assets?.assets.length ? `, ${assets.assets.length} asset${assets.assets.length === 1 ? '' : 's'}` : '';
  const ok = `${routes.length} route${routes.length === 1 ? '' : 's'}${loaded} OK${warmed ? ` (${warmed} warmed up)` : ''}`;
  return `${ready}${ready ? ok : capitalize(ok)}${watched}.`;
}

/** "all 3 routes", "both routes", "the only route", "2 of 5 routes". */
function failingRoutes(failing: number, checked: number): string {
  if (failing === checked)
    return checked === 1 ? 'the only route' : checked === 2 ? 'both routes' : `all ${checked} routes`;
  return `${failing} of ${checked} routes`;
}

function parts(causes: Diagnosis[], covered: (d: Diagnosis) => number, assets?: AssetCheck): string {
  const named = causes.slice(0, NAMED_CAUSES).map((d, i) => countedCause(d, covered(d), i === 0, assets));
  const others = causes.slice(NAMED_CAUSES);
  if (others.length) {
    const n = others.reduce((sum, d) => sum + covered(d), 0);
    named.push(`${n} more for ${others.length} other cause${others.length === 1 ? '' : 's'}`);
  }
  return named.join(', ');
}

function plain(text: string): string {
  return text.replaceAll('`', '').replace(/\.$/, '');
}

function uncapitalize(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** After a number of routes: "2 rejected for their Host". */
const COUNTED: Record<CauseId, (n: number) => string> = {
  'host-rejected': (n) => `rejected for ${n === 1 ? 'its' : 'their'} Host`,
  'no-healthy-backend': () => 'with no healthy backend behind the edge',
  'upstream-unreachable': () => 'where the proxy cannot reach the app',
  'upstream-timeout': () => 'where the proxy gave up waiting for the app',
  'redirect-loop': () => 'redirecting without end',
  'app-error': () => "with the app's own error page",
  'route-not-found': () => 'not found',
  'static-assets-missing': (n) => (n === 1 ? 'static file missing' : 'static files missing'),
  'wrong-content': () => 'with the wrong content',
  'slower-than-baseline': () => 'slower than on the baseline',
  'stale-version': () => 'serving the previous release',
  'deployment-failed': () => 'not deployed',
  'deployment-not-found': () => 'not deployed',
  'health-failing': () => 'failing their health check',
  'dns-failure': (n) => `whose host name ${n === 1 ? 'does' : 'do'} not resolve`,
  'tls-error': () => 'with a rejected certificate',
  'connection-refused': () => 'with nothing listening',
  timeout: () => 'with no answer in time',
  'cross-host-redirect': () => 'redirected to another host',
  'auth-required': () => 'blocked by a protection wall',
  'rate-limited': () => 'rate limited',
  'proxy-error': () => "not reached through the runner's proxy",
  'config-error': () => 'misconfigured',
};

/** "2 rejected for their Host (Django)"; who answered only for the main cause, to keep the sentence short. */
export function countedCause(d: Diagnosis, n: number, main: boolean, assets?: AssetCheck): string {
  const pages = assetPagesWords(d, n, assets);
  const what = pages ?? (d.cause === 'static-assets-missing' ? assetWords(d.routes, n) : COUNTED[d.cause](n));
  return `${n} ${what}${main && d.who ? ` (${d.who})` : ''}`;
}

/** "1 missing its stylesheet": pages (not files) the diagnosis names, whose scripts or stylesheets fail. */
function assetPagesWords(d: Diagnosis, n: number, assets: AssetCheck | undefined): string | undefined {
  if (d.cause !== 'static-assets-missing' || !assets) return undefined;
  const pages = assets.pages.filter((p) => p.failed.length && d.routes.includes(p.route));
  if (pages.length === 0) return undefined;
  const failing = new Set(pages.flatMap((p) => p.failed));
  const kinds = new Set(
    assets.assets
      .filter((a) => failing.has(a.url))
      .flatMap((a) => a.kinds.map((k) => (k === 'stylesheet' ? k : 'script'))),
  );
  const kind = kinds.size === 1 ? [...kinds][0]! : 'script or stylesheet';
  const several = failing.size > 1 && kinds.size === 1;
  return n === 1 ? `missing its ${kind}${several ? 's' : ''}` : `missing their ${kind}${several ? 's' : ''}`;
}

/** "1 stylesheet missing" when every route of the group is the same kind of file. */
function assetWords(routes: readonly string[], n: number): string {
  const kinds = new Set(routes.filter((r) => !r.startsWith('health ')).map((r) => assetKind(r)));
  const kind = kinds.size === 1 ? [...kinds][0]! : 'static file';
  return `${kind}${n === 1 ? '' : 's'} missing`;
}

export function assetKind(path: string): string {
  if (/\.css(\?|\s|$)/i.test(path)) return 'stylesheet';
  if (/\.m?js(\?|\s|$)/i.test(path)) return 'script';
  if (/\.(png|jpe?g|gif|svg|webp|ico)(\?|\s|$)/i.test(path)) return 'image';
  if (/\.(woff2?|ttf)(\?|\s|$)/i.test(path)) return 'font';
  return 'static file';
}
