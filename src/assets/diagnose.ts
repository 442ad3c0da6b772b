import { CAUSE_INFO, type CauseId } from '../diagnosis/catalogue/causes.js';
import type { Diagnosis } from '../diagnosis/compare.js';
import { describeObservation } from '../http/describe.js';
import { assetAnswer, assetMeaning, assetPath } from './summary.js';
import type { AssetCheck, AssetResult } from './types.js';

/**
 * The failing assets as one `static-assets-missing` diagnosis: which page names which asset, what came
 * back, what that means, and the fix for what was seen (SPA fallback, not collected, wrong type). Assets
 * a rate limiter or a protection wall answered for are a diagnosis of that cause instead (inconclusive):
 * they say nothing about whether the files are there.
 */

const MAX_EVIDENCE = 10;

export function diagnoseAssets(check: AssetCheck | undefined): Diagnosis[] {
  if (!check) return [];
  const failed = check.assets.filter((a) => !a.passed);
  const blocked = failed.filter((a) => a.problem?.kind === 'blocked');
  const missing = failed.filter((a) => a.problem?.kind !== 'blocked');
  return [...(missing.length ? [missingDiagnosis(check, missing)] : []), ...blockedDiagnoses(check, blocked)];
}

function missingDiagnosis(check: AssetCheck, failed: AssetResult[]): Diagnosis {
  const urls = new Set(failed.map((a) => a.url));
  const routes = check.pages.filter((p) => p.failed.some((url) => urls.has(url))).map((p) => p.route);
  const first = failed[0]!;
  const what = failed.length === 1 ? `its ${noun(first)} ${headlineName(first)}` : undefined;
  const headline =
    failed.length === 1
      ? `The page ${code(first.routes[0]!)} answers, but ${what} ${meaning(first)}.`
      : `The pages answer, but ${failed.length} of the ${check.assets.length} assets they load fail (first: ${headlineName(first)}, ${assetAnswer(first)}): users get a blank or unstyled page.`;
  const evidence = failed.slice(0, MAX_EVIDENCE).map(evidenceLine);
  if (failed.length > MAX_EVIDENCE)
    evidence.push(`… and ${failed.length - MAX_EVIDENCE} more failing assets (JSON report)`);
  const passedCount = check.assets.length - failed.length;
  evidence.push(
    `checked ${check.assets.length} asset${check.assets.length === 1 ? '' : 's'} on ${check.pages.length} page${check.pages.length === 1 ? '' : 's'}: ${passedCount} OK, ${failed.length} failing${check.notChecked ? `, ${check.notChecked} not checked (cap ${check.limit})` : ''}${check.crossOrigin ? `, ${check.crossOrigin} on other origins not fetched` : ''}`,
  );
  return {
    cause: 'static-assets-missing',
    layer: 'deploy',
    confidence: 'high',
    headline,
    evidence,
    fix: fixFor(failed),
    routes,
  };
}

function blockedDiagnoses(check: AssetCheck, blocked: AssetResult[]): Diagnosis[] {
  const causes = [...new Set(blocked.map((a) => (a.problem as { cause: CauseId }).cause))];
  return causes.map((cause) => {
    const these = blocked.filter((a) => (a.problem as { cause: CauseId }).cause === cause);
    const urls = new Set(these.map((a) => a.url));
    const what = cause === 'rate-limited' ? 'a rate limiter (429)' : 'a protection wall';
    return {
      cause,
      layer: CAUSE_INFO[cause].layer,
      confidence: 'medium',
      headline: `The pages answer, but ${these.length} of the ${check.assets.length} assets they load were answered by ${what}, so they could not be checked.`,
      evidence: these.slice(0, MAX_EVIDENCE).map(evidenceLine),
      fix: CAUSE_INFO[cause].fix,
      routes: check.pages.filter((p) => p.failed.some((url) => urls.has(url))).map((p) => p.route),
    };
  });
}

function evidenceLine(a: AssetResult): string {
  const o = a.observation;
  const text = o.body.trim().replace(/\s+/g, ' ');
  // The cut is marked: redaction removes a secret's prefix before a `…`, and only there.
  const start = o.error || o.bodyBytes === 0 ? '' : `, starts "${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
  const path = assetPath(a.url);
  const written = a.written.trim() !== path && a.written.trim() !== a.url ? ` (written "${a.written.trim()}")` : '';
  const tries = a.attempts > 1 ? ` (${a.attempts} tries)` : '';
  return `page ${a.routes[0]} · ${a.via} ${path}${written} → ${assetAnswer(a)}${start}${tries}: ${assetMeaning(a)}`;
}

function meaning(a: AssetResult): string {
  const p = a.problem!;
  switch (p.kind) {
    case 'html':
      return "is answered with HTML (the SPA fallback), not the file: the build's assets were not uploaded, or the HTML and the assets come from different builds (a cached `index.html`); users see a blank page";
    case 'status':
      return statusMeaning(a);
    case 'empty':
      return 'comes back empty: a zero-byte upload or an interrupted build step';
    case 'type':
      return `is served as \`${p.contentType}\`, which browsers refuse for a ${noun(a)} (they need \`${p.needs}\`)`;
    case 'blocked':
      return 'was answered by a rate limiter or a protection wall, not the file';
    case 'transport':
      return `gets no answer (${describeObservation(a.observation)})`;
  }
}

function statusMeaning(a: AssetResult): string {
  const status = a.observation.status!;
  if (status === 404 || status === 410) {
    return isStaticDir(a)
      ? `answers ${status}: the static files were not built or collected into the deploy, or are not served at this path`
      : `answers ${status}: the file is not on the server (not uploaded with this build, or the page comes from another build than the files)`;
  }
  if (status === 401 || status === 403)
    return `answers ${status}: the files are there but not readable (permissions, bucket policy)`;
  return `answers ${status}: the server fails to serve the file`;
}

const FIXES = {
  build:
    "Deploy the page and its assets from one build, assets first: upload the whole output directory (with its `assets/`), keep the previous build's hashed files for a while, serve `index.html` with `Cache-Control: no-cache`, keep the SPA fallback off asset paths, and make the public path written into the page match where the files are served (the bundler's base path or asset prefix).",
  // Stack-neutral: the stack the evidence shows adds its own step (collectstatic, `.next/static`, …) in compare.
  collect: CAUSE_INFO['static-assets-missing'].fix,
  type: "Serve scripts as `text/javascript` and stylesheets as `text/css`: the server's MIME table lacks the extension (nginx: `include mime.types;` in `http {}`; a bucket: the object's Content-Type metadata).",
  server: "Read the static file server's logs for these paths (permissions, storage backend, bucket policy).",
} as const;

function fixFor(failed: AssetResult[]): string {
  const wanted = new Set<keyof typeof FIXES>();
  for (const a of failed) {
    const p = a.problem!;
    if (p.kind === 'type') wanted.add('type');
    else if (p.kind === 'status' && (a.observation.status === 404 || a.observation.status === 410))
      wanted.add(isStaticDir(a) ? 'collect' : 'build');
    else if (p.kind === 'html' || p.kind === 'empty') wanted.add('build');
    else wanted.add('server');
  }
  return (['collect', 'build', 'type', 'server'] as const)
    .filter((k) => wanted.has(k))
    .map((k) => FIXES[k])
    .join(' ');
}

/**
 * Served from a `static/` folder the app's own build step fills (Django's collectstatic, Flask's folder,
 * Next.js' `.next/static` behind `/_next/static/`), rather than files uploaded beside the page.
 */
function isStaticDir(a: AssetResult): boolean {
  return /(^|\/)static\//.test(new URL(a.url).pathname);
}

function noun(a: AssetResult): string {
  return a.kinds.includes('stylesheet') && a.kinds.length === 1 ? 'stylesheet' : 'script';
}

/**
 * The asset's path for the headline, which reaches notifications and the summary's first line as our own
 * Markdown: only when it is made of the characters real asset paths use, so a page cannot put a mention
 * or a link there; otherwise the evidence (escaped as code everywhere) names it.
 */
function headlineName(a: AssetResult): string {
  const path = assetPath(a.url);
  return /^\/[\w\-./%~+]*(\?[\w\-./%~+=&,]*)?$/.test(path) ? code(path) : '(named in the evidence)';
}

function code(text: string): string {
  return `\`${text.replaceAll('`', "'")}\``;
}
