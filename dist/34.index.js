export const id = 34;
export const ids = [34];
export const modules = {

/***/ 7034:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  REPORTING_BUDGET_MS: () => (/* binding */ REPORTING_BUDGET_MS),
  commentOnPullRequest: () => (/* binding */ commentOnPullRequest),
  eventFromEnv: () => (/* binding */ eventFromEnv),
  waitForTarget: () => (/* binding */ waitForTarget)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/config/types.ts
var types = __webpack_require__(2143);
// EXTERNAL MODULE: ./src/report/special.ts
var special = __webpack_require__(9729);
// EXTERNAL MODULE: ./src/config/duration.ts
var duration = __webpack_require__(7840);
;// CONCATENATED MODULE: ./src/github/event.ts
/**
 * What the workflow run is about, read from the runner's environment and the event payload: which commit
 * is under test, which pull request, whether the token can write, and the deployment the event carries.
 * Pure: env and payload in, facts out.
 */
const obj = (value) => (value && typeof value === 'object' ? value : {});
const str = (value) => (typeof value === 'string' && value ? value : undefined);
function readEvent(env, payload) {
    const [owner = '', repo = ''] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
    const name = env['GITHUB_EVENT_NAME'] ?? '';
    const serverUrl = env['GITHUB_SERVER_URL'] || 'https://github.com';
    const apiUrl = env['GITHUB_API_URL'] || 'https://api.github.com';
    const event = {
        name,
        owner,
        repo,
        sha: env['GITHUB_SHA'] ?? '',
        serverUrl,
        apiUrl,
        graphqlUrl: env['GITHUB_GRAPHQL_URL'] || `${apiUrl.replace(/\/$/, '')}/graphql`,
        runUrl: env['GITHUB_RUN_ID'] ? `${serverUrl}/${owner}/${repo}/actions/runs/${env['GITHUB_RUN_ID']}` : undefined,
    };
    const pr = obj(payload['pull_request']);
    if (Object.keys(pr).length > 0) {
        event.sha = str(obj(pr['head'])['sha']) ?? event.sha;
        event.pullRequest = typeof pr['number'] === 'number' ? pr['number'] : undefined;
        // pull_request_target runs in the base repository with a writable token, even for forks.
        if (name === 'pull_request')
            event.readOnly = readOnlyReason(pr, env['GITHUB_ACTOR']);
    }
    if (name === 'push')
        event.sha = str(payload['after']) ?? event.sha;
    if (name === 'workflow_run')
        event.sha = str(obj(payload['workflow_run'])['head_sha']) ?? event.sha;
    if (name === 'deployment_status' || name === 'deployment') {
        const deployment = obj(payload['deployment']);
        const status = obj(payload['deployment_status']);
        if (typeof deployment['id'] === 'number') {
            event.sha = str(deployment['sha']) ?? event.sha;
            event.deployment = {
                id: deployment['id'],
                environment: str(status['environment']) ?? str(deployment['environment']) ?? '',
                sha: event.sha,
                state: str(status['state']),
                url: str(status['environment_url']) ?? str(status['target_url']),
                logUrl: str(status['log_url']) ?? str(status['target_url']),
            };
        }
    }
    return event;
}
function readOnlyReason(pr, actor) {
    const head = obj(obj(pr['head'])['repo']);
    const base = obj(obj(pr['base'])['repo']);
    // A deleted fork has no head repository at all.
    if (!str(head['full_name']) || head['fork'] === true || head['full_name'] !== base['full_name'])
        return 'fork';
    if (actor === 'dependabot[bot]' || str(obj(pr['user'])['login']) === 'dependabot[bot]')
        return 'dependabot';
    return undefined;
}
/**
 * Environment patterns: `*` any run of characters (also `/` and spaces, as in "Preview – shop" or
 * "shop / production"), `?` one character, case-insensitive. Hand-written because path globs stop at `/`.
 */
function environmentMatcher(pattern) {
    if (!pattern)
        return () => true;
    const source = pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('');
    const regex = new RegExp(`^${source}$`, 'i');
    return (name) => regex.test(name);
}

// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js + 21 modules
var github = __webpack_require__(1758);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(9735);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var plugin_throttling_dist_bundle = __webpack_require__(6856);
;// CONCATENATED MODULE: ./src/github/octokit.ts



function createOctokit(options) {
    const { log } = options;
    const fits = (retryAfterSeconds, retryCount) => retryCount < 1 && retryAfterSeconds * 1000 < options.timeLeft();
    return (0,github/* getOctokit */.Q)(options.token, {
        baseUrl: options.apiUrl.replace(/\/$/, ''),
        request: { signal: options.signal },
        // Short waits between 5xx retries (0.2 s, 0.8 s, 1.8 s): the reporting budget is one minute.
        retry: { retries: 3, retryAfterBaseValue: 200 },
        throttle: {
            onRateLimit: (retryAfter, request, _octokit, retryCount) => {
                log.warning(`GitHub API rate limit on ${request.method} ${request.url}; ${fits(retryAfter, retryCount) ? `retrying after ${retryAfter}s` : 'giving up (does not fit the time budget)'}`);
                return fits(retryAfter, retryCount);
            },
            onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
                log.warning(`GitHub API secondary rate limit on ${request.method} ${request.url}; ${fits(retryAfter, retryCount) ? `retrying after ${retryAfter}s` : 'giving up (does not fit the time budget)'}`);
                return fits(retryAfter, retryCount);
            },
        },
    }, dist_bundle/* retry */.L, plugin_throttling_dist_bundle/* throttling */.A);
}
/** The HTTP status of an Octokit error, if it has one. */
function statusOf(error) {
    const status = error.status;
    return typeof status === 'number' ? status : undefined;
}

;// CONCATENATED MODULE: ./src/github/deployment.ts



/**
 * 1 s, 2 s, 4 s … 10 s between polls: quick while a deploy is usually finishing, then about 30 polls in
 * five minutes, most of them free 304s.
 */
const FIRST_POLL_MS = 1_000;
const POLL_CAP_MS = 10_000;
/** Newest deployments looked at per poll (superseded ones are `inactive`). */
const CANDIDATES = 3;
const FAILED = new Set(['failure', 'error']);
async function waitForDeployment(options) {
    const { clock, log, event } = options;
    const matches = environmentMatcher(options.environment);
    const cached = conditionalReader(options.octokit);
    const looked = `a deployment of ${event.sha.slice(0, 7)}${options.environment ? ` in environment "${options.environment}"` : ''}`;
    const started = clock.now();
    let last;
    for (let poll = 1;; poll++) {
        const found = await lookOnce(options, cached, matches);
        if (found) {
            found.deployment.waitedMs = Math.round(clock.now() - started);
            last = found.deployment;
            if (found.terminal) {
                const ok = found.deployment.state === 'success';
                log.info(`deployment ${describe(found.deployment)}: ${found.deployment.state}`);
                return { kind: ok ? 'ready' : 'failed', deployment: found.deployment };
            }
        }
        const waited = `${(0,duration/* formatDuration */.a3)(clock.now())} / ${(0,duration/* formatDuration */.a3)(options.budgetMs)}`;
        log.info(`waiting for ${looked}: ${last ? `${describe(last)} is ${last.state}` : 'none yet'} (poll ${poll}, ${waited})`);
        const wait = Math.min(FIRST_POLL_MS * 2 ** (poll - 1), POLL_CAP_MS, options.deadlineMs - clock.now());
        if (wait <= 0 || options.signal?.aborted)
            return { kind: 'not-found', deployment: last, looked };
        await clock.sleep(wait, options.signal);
    }
}
async function lookOnce(options, read, matches) {
    const { event } = options;
    const repo = { owner: event.owner, repo: event.repo };
    const carried = event.deployment;
    if (carried && matches(carried.environment) && carried.state && carried.state !== 'inactive') {
        // deployment_status: the payload already says how it ended.
        if (carried.state === 'success' || FAILED.has(carried.state)) {
            return { deployment: { source: 'deployment', ...carried, state: carried.state }, terminal: true };
        }
    }
    const deployments = (await read('GET /repos/{owner}/{repo}/deployments', {
        ...repo,
        sha: event.sha,
        per_page: 30,
    }));
    const candidates = deployments
        .filter((d) => matches(d.environment) || matches(d.original_environment ?? ''))
        .slice(0, CANDIDATES);
    for (const candidate of candidates) {
        const statuses = (await read('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
            ...repo,
            deployment_id: candidate.id,
            per_page: 1,
        }));
        const status = statuses[0];
        if (status?.state === 'inactive')
            continue; // superseded by a newer deployment
        const deployment = {
            source: 'deployment',
            id: candidate.id,
            environment: candidate.environment,
            sha: event.sha,
            state: status?.state ?? 'pending',
            url: status?.environment_url || (status?.state === 'success' ? status?.target_url : undefined) || undefined,
            logUrl: status?.log_url || status?.target_url || undefined,
            description: status?.description || undefined,
        };
        return { deployment, terminal: deployment.state === 'success' || FAILED.has(deployment.state) };
    }
    if (candidates.length > 0)
        return undefined;
    return lookAtCommitStatuses(options, read, matches);
}
/** Netlify and others report a preview as a commit status whose target_url is the site. */
async function lookAtCommitStatuses(options, read, matches) {
    const { event } = options;
    const combined = (await read('GET /repos/{owner}/{repo}/commits/{ref}/status', {
        owner: event.owner,
        repo: event.repo,
        ref: event.sha,
    }));
    const status = (combined.statuses ?? []).find((s) => s.target_url && (options.environment ? matches(s.context) : /deploy/i.test(s.context)));
    if (!status)
        return undefined;
    const deployment = {
        source: 'commit-status',
        environment: status.context,
        sha: event.sha,
        state: status.state,
        url: status.state === 'success' ? status.target_url : undefined,
        logUrl: status.target_url,
        description: status.description || undefined,
    };
    return { deployment, terminal: status.state === 'success' || FAILED.has(status.state) };
}
/** GETs with If-None-Match: an unchanged answer comes back as 304 and is served from the cache. */
function conditionalReader(octokit) {
    const cache = new Map();
    return async (route, params) => {
        const key = `${route} ${JSON.stringify(params)}`;
        const hit = cache.get(key);
        try {
            const response = await octokit.request(route, { ...params, headers: hit ? { 'if-none-match': hit.etag } : {} });
            const etag = response.headers.etag;
            if (etag)
                cache.set(key, { etag, data: response.data });
            return response.data;
        }
        catch (error) {
            if (statusOf(error) === 304 && hit)
                return hit.data;
            throw error;
        }
    };
}
function describe(deployment) {
    return `${deployment.environment || 'deployment'}${deployment.id ? ` #${deployment.id}` : ''}`;
}

// EXTERNAL MODULE: ./src/diagnosis/causes.ts
var causes = __webpack_require__(5897);
// EXTERNAL MODULE: ./src/report/escape.ts
var report_escape = __webpack_require__(6412);
// EXTERNAL MODULE: ./src/report/summary.ts
var summary = __webpack_require__(7994);
;// CONCATENATED MODULE: ./src/report/comment.ts



/**
 * The sticky PR comment: verdict, cause, fix, route table and evidence lines, with a link to the run.
 * No response bodies (those stay in the job summary). A hidden marker finds it again; another keeps the
 * earlier runs, so a pass after a failure says "fixed" instead of silently replacing the history.
 */
/** GitHub refuses comments over 65,536 characters; stay clear of it. */
const COMMENT_LIMIT = 60_000;
const MAX_HISTORY = 10;
function commentMarker(key) {
    return `<!-- post-deploy-gate:key=${encodeURIComponent(key)} -->`;
}
function renderComment(report, context) {
    const previous = readHistory(context.previousBody);
    const current = {
        at: report.startedAt,
        verdict: report.verdict,
        cause: report.cause,
        sha: context.sha,
        runUrl: context.runUrl,
    };
    const earlier = previous ? [previous.current, ...previous.earlier].slice(0, MAX_HISTORY) : [];
    const fixed = report.verdict === 'pass' && earlier[0] && earlier[0].verdict !== 'pass';
    const scope = context.key === 'default' ? '' : ` (${(0,report_escape/* inline */.mG)(context.key)})`;
    const title = fixed
        ? `### ✅ post-deploy-gate${scope}: pass — fixed (was ${(0,report_escape/* code */.aY)(earlier[0].cause ?? earlier[0].verdict)})`
        : `### ${summary/* ICON */.kb[report.verdict]} post-deploy-gate${scope}: ${report.verdict}${report.cause ? ` — ${(0,report_escape/* code */.aY)(report.cause)}` : ''}`;
    const parts = [commentMarker(context.key), title, `**${(0,report_escape/* ownMarkdown */.AQ)(report.summary)}**`];
    const primary = report.diagnoses[0];
    if (primary)
        parts.push(`**Fix:** ${(0,report_escape/* ownMarkdown */.AQ)(primary.fix)}`);
    if (report.configIssues?.length)
        parts.push(report.configIssues.map((i) => `- ${(0,report_escape/* code */.aY)(i.input)}: ${(0,report_escape/* ownMarkdown */.AQ)(i.message)}`).join('\n'));
    if (report.deployment)
        parts.push((0,summary/* deploymentLine */.CO)(report.deployment));
    if (report.routes.length || report.readiness)
        parts.push((0,summary/* routeTable */.az)(report));
    if (primary) {
        const sections = report.diagnoses.map((d, i) => (0,summary/* diagnosisSection */.VE)(i === 0 ? 'Evidence' : `Also: ${causes/* CAUSE_INFO */.FK[d.cause].title}`, d));
        parts.push(`<details><summary>Evidence</summary>\n\n${sections.join('\n\n')}\n\n</details>`);
    }
    const where = [
        context.runUrl ? (0,summary/* markdownLink */.iQ)('workflow run', context.runUrl) : '',
        context.sha ? `commit ${(0,report_escape/* code */.aY)(context.sha.slice(0, 7))}` : '',
        report.url ? `checked ${(0,report_escape/* ownMarkdown */.AQ)(`\`${report.url}\``)}` : '',
        `${report.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    ].filter(Boolean);
    parts.push(`<sub>${where.join(' · ')} · the job summary has the response excerpts and the full timeline</sub>`);
    if (earlier.length)
        parts.push(historyTable(earlier));
    parts.push(`<!-- post-deploy-gate:history=${Buffer.from(JSON.stringify({ current, earlier })).toString('base64')} -->`);
    return (0,summary/* limit */.AB)(parts.join('\n\n') + '\n', COMMENT_LIMIT);
}
function historyTable(entries) {
    const rows = ['| When (UTC) | Verdict | Cause | Commit | Run |', '|---|---|---|---|---|'];
    for (const e of entries) {
        const run = e.runUrl ? (0,summary/* markdownLink */.iQ)('run', e.runUrl) : '';
        rows.push(`| ${(0,report_escape/* inline */.mG)(e.at.slice(0, 16).replace('T', ' '))} | ${(0,report_escape/* inline */.mG)(e.verdict)} | ${e.cause ? (0,report_escape/* code */.aY)(e.cause) : ''} | ${e.sha ? (0,report_escape/* code */.aY)(e.sha.slice(0, 7)) : ''} | ${run} |`);
    }
    return `<details><summary>Earlier runs (${entries.length})</summary>\n\n${rows.join('\n')}\n\n</details>`;
}
/** The runs recorded in an earlier comment; anything unreadable counts as no history. */
function readHistory(body) {
    const match = body && /<!-- post-deploy-gate:history=([A-Za-z0-9+/=]+) -->/.exec(body);
    if (!match)
        return undefined;
    try {
        const data = JSON.parse(Buffer.from(match[1], 'base64').toString('utf8'));
        const entry = (value) => {
            const v = value;
            if (!v || typeof v.at !== 'string' || !['pass', 'fail', 'inconclusive', 'error'].includes(String(v.verdict)))
                return undefined;
            const text = (x) => (typeof x === 'string' ? x.slice(0, 200) : undefined);
            return {
                at: v.at.slice(0, 40),
                verdict: v.verdict,
                cause: text(v.cause),
                sha: text(v.sha),
                runUrl: text(v.runUrl),
            };
        };
        const current = entry(data.current);
        if (!current)
            return undefined;
        const earlier = (Array.isArray(data.earlier) ? data.earlier : []).map(entry).filter((e) => !!e);
        return { current, earlier };
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/github/sticky-comment.ts


/** Returns what happened, in words, for the log. */
async function publishComment(options) {
    const { octokit, event, log } = options;
    const repo = { owner: event.owner, repo: event.repo };
    try {
        const number = event.pullRequest ?? (await pullRequestFor(octokit, event));
        if (number === undefined)
            return `no open pull request for ${event.sha.slice(0, 7)}: no comment`;
        const marker = commentMarker(options.key);
        const me = await identity(octokit);
        const find = async () => {
            const comments = (await octokit.paginate(octokit.rest.issues.listComments, {
                ...repo,
                issue_number: number,
                per_page: 100,
            }));
            // Only our own comment: a marker copied into someone else's comment is left alone.
            return comments.find((c) => c.body?.includes(marker) && sameLogin(c.user?.login, me));
        };
        const existing = await find();
        const body = renderComment(options.report, {
            key: options.key,
            sha: event.sha,
            runUrl: event.runUrl,
            previousBody: existing?.body ?? undefined,
        });
        if (existing) {
            if (existing.body === body)
                return `comment on #${number} already up to date`;
            await octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body });
            return `updated the comment on #${number}`;
        }
        try {
            // No automatic retry of a create: a 5xx may still have created it, which would leave two.
            await octokit.rest.issues.createComment({ ...repo, issue_number: number, body, request: { retries: 0 } });
        }
        catch (error) {
            const status = statusOf(error);
            if (status !== undefined && status < 500)
                throw error;
            const created = await find();
            if (created) {
                await octokit.rest.issues.updateComment({ ...repo, comment_id: created.id, body });
                return `updated the comment on #${number} (its creation had reported an error)`;
            }
            log.warning(`creating the comment on #${number} failed (${describeError(error)}); trying once more`);
            await octokit.rest.issues.createComment({ ...repo, issue_number: number, body, request: { retries: 0 } });
        }
        return `commented on #${number}`;
    }
    catch (error) {
        log.warning(`no PR comment: ${explain(error)}`);
        return 'comment failed';
    }
}
async function pullRequestFor(octokit, event) {
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        owner: event.owner,
        repo: event.repo,
        commit_sha: event.sha,
    });
    const open = data.filter((pr) => pr.state === 'open');
    return (open.find((pr) => pr.head.sha === event.sha) ?? open[0])?.number;
}
/**
 * Who the token writes as. GraphQL's viewer works for GITHUB_TOKEN (REST /user does not); if even that
 * is refused, comments by the Actions bot are ours.
 */
async function identity(octokit) {
    try {
        const result = await octokit.graphql('query { viewer { login } }');
        return result.viewer.login;
    }
    catch {
        return 'github-actions[bot]';
    }
}
/** REST says `github-actions[bot]`, GraphQL says `github-actions`: compare without the suffix. */
function sameLogin(a, b) {
    const bare = (login) => login.replace(/\[bot\]$/, '').toLowerCase();
    return !!a && bare(a) === bare(b);
}
function explain(error) {
    const status = statusOf(error);
    const permission = status === 403 || status === 404
        ? ' The token lacks access: give the job `permissions: pull-requests: write` (and `contents: read`).'
        : status === 422
            ? ' GitHub refused the comment (422): the pull request may be locked or the body invalid.'
            : '';
    return `${describeError(error)}.${permission}`;
}
function describeError(error) {
    const status = statusOf(error);
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return status ? `GitHub API ${status}: ${message}` : message;
}

;// CONCATENATED MODULE: ./src/github/steps.ts







/**
 * The two GitHub steps of a run, loaded only when a run uses them: before the gate, wait for the
 * deployment (and take its URL); after the verdict is written, the sticky PR comment.
 */
/** All reporting calls together get this long, however slow or rate-limited the API is. */
const REPORTING_BUDGET_MS = 60_000;
function eventFromEnv(env) {
    let payload = {};
    try {
        if (env['GITHUB_EVENT_PATH'])
            payload = JSON.parse((0,external_node_fs_.readFileSync)(env['GITHUB_EVENT_PATH'], 'utf8'));
    }
    catch {
        // No readable payload (a local run): the event is what the environment says.
    }
    return readEvent(env, payload);
}
async function waitForTarget(options) {
    const { config, event, clock, log } = options;
    const missing = [];
    if (!options.token)
        missing.push({
            input: 'github-token',
            message: 'is needed to wait for the deployment; leave it at its default (${{ github.token }})',
        });
    if (!event.owner || !event.sha) {
        missing.push({
            input: 'wait-for-deployment',
            message: 'needs a GitHub Actions run (GITHUB_REPOSITORY and the commit); in other places give url',
        });
    }
    if (missing.length)
        throw new types/* ConfigError */.x(missing);
    const octokit = createOctokit({
        token: options.token,
        apiUrl: event.apiUrl,
        log,
        signal: options.signal,
        timeLeft: () => config.timeoutMs - clock.now(),
    });
    const outcome = await waitForDeployment({
        octokit,
        event,
        environment: config.environment,
        clock,
        log,
        deadlineMs: config.timeoutMs,
        budgetMs: config.timeoutMs,
        signal: options.signal,
    });
    if (outcome.kind !== 'ready')
        return { report: (0,special/* deploymentReport */.eO)(outcome, options.startedAt, clock.now()) };
    const url = config.url ?? (outcome.deployment.url ? safeUrl(outcome.deployment.url) : undefined);
    if (!url) {
        throw new types/* ConfigError */.x([
            {
                input: 'url',
                message: `the deployment ${outcome.deployment.environment} succeeded without a URL (environment_url); give url`,
            },
        ]);
    }
    return { url, deployment: outcome.deployment };
}
async function commentOnPullRequest(options) {
    const { event, log } = options;
    if (event.readOnly) {
        const who = event.readOnly === 'fork' ? 'a fork' : 'Dependabot';
        log.warning(`no PR comment: pull requests from ${who} run with a read-only token, so the gate makes no write call. ` +
            'The verdict, outputs and job summary are complete. For a comment, run the gate again from a ' +
            '`workflow_run` workflow (it has a writable token) with wait-for-deployment, or comment from there.');
        return `no comment (${who})`;
    }
    if (!options.token || !event.owner)
        return 'no comment (no token or repository)';
    const started = Date.now();
    const octokit = createOctokit({
        token: options.token,
        apiUrl: event.apiUrl,
        log,
        signal: AbortSignal.timeout(REPORTING_BUDGET_MS),
        timeLeft: () => REPORTING_BUDGET_MS - (Date.now() - started),
    });
    return publishComment({ octokit, event, report: options.report, key: options.config.environment || 'default', log });
}
function safeUrl(text) {
    try {
        const url = new URL(text);
        return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
    }
    catch {
        return undefined;
    }
}


/***/ })

};
