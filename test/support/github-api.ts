import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for the parts of the GitHub REST and GraphQL APIs the gate uses, with state the
 * test sets up, scripted faults, ETags, pagination, and a log of every request (to prove which calls were
 * made, and that no write happened).
 */

export interface FakeStatus {
  state: string;
  environment_url?: string;
  target_url?: string;
  log_url?: string;
  description?: string;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  environment: string;
  /** Newest first, as GitHub lists them. `after` makes a status appear only from that poll on. */
  statuses: Array<FakeStatus & { afterPoll?: number }>;
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

/** A pull request as GitHub stores it: where its head lives decides how it can be found. */
export interface FakePullRequest {
  number: number;
  state: 'open' | 'closed';
  head: { sha: string; ref: string; owner: string; fork: boolean };
}

export interface FakeCommitStatus {
  sha: string;
  state: string;
  context: string;
  description?: string;
  target_url?: string;
}

export interface Fault {
  method: string;
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many times it fires; then the real answer. */
  times: number;
  /** Never answer (the connection stays open until the stand-in closes). */
  hang?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeGitHub {
  url: string;
  viewer: string;
  deployments: FakeDeployment[];
  commitStatuses: Record<string, Array<{ context: string; state: string; target_url?: string; description?: string }>>;
  pulls: Record<string, Array<{ number: number; state: string; head: { sha: string } }>>;
  /**
   * Pull requests answered as GitHub does: "pull requests for a commit" lists only those whose head is in
   * this repository (a fork's commit gives []), and `GET /pulls?head=owner:branch` finds any.
   */
  pullRequests: FakePullRequest[];
  /** Commit statuses created with POST /statuses/{sha}, in order. */
  createdStatuses: FakeCommitStatus[];
  comments: Record<number, FakeComment[]>;
  faults: Fault[];
  requests: RecordedRequest[];
  writes(): RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  let nextComment = 1000;
  let statusPolls = 0;
  const api: FakeGitHub = {
    url: '',
    viewer: 'github-actions',
    deployments: [],
    commitStatuses: {},
    pulls: {},
    pullRequests: [],
    createdStatuses: [],
    comments: {},
    faults: [],
    requests: [],
    writes: () => api.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/graphql')),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://api.test');
    const method = req.method ?? 'GET';
    api.requests.push({ method, path: url.pathname + url.search, headers: req.headers, body });

    const fault = api.faults.find((f) => f.times > 0 && f.method === method && f.path.test(url.pathname));
    if (fault) {
      fault.times--;
      if (fault.hang) return;
      return send(res, fault.status, fault.body ?? { message: 'scripted fault' }, fault.headers);
    }
    if (req.headers.authorization !== 'token test-token') return send(res, 401, { message: 'Bad credentials' });

    let m: RegExpExecArray | null;
    if (method === 'POST' && url.pathname === '/graphql') {
      return send(res, 200, { data: { viewer: { login: api.viewer } } });
    }
    if (method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/deployments$/.exec(url.pathname))) {
      const sha = url.searchParams.get('sha');
      const list = api.deployments
        .filter((d) => !sha || d.sha === sha)
        .map(({ id, sha, environment }) => ({ id, sha, environment }));
      return sendCached(req, res, list);
    }
    if (method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/.exec(url.pathname))) {
      statusPolls++;
      const deployment = api.deployments.find((d) => d.id === Number(m![1]));
      if (!deployment) return send(res, 404, { message: 'Not Found' });
      const visible = deployment.statuses
        .filter((s) => (s.afterPoll ?? 0) <= statusPolls)
        .map(({ afterPoll: _, ...s }) => s);
      return sendCached(req, res, visible.slice(0, Number(url.searchParams.get('per_page') ?? 30)));
    }
    if (method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/status$/.exec(url.pathname))) {
      return sendCached(req, res, { state: 'pending', statuses: api.commitStatuses[m[1]!] ?? [] });
    }
    if (method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/pulls$/.exec(url.pathname))) {
      const linked = api.pullRequests.filter((pr) => pr.head.sha === m![1] && !pr.head.fork).map(asGitHubPull);
      return send(res, 200, api.pulls[m[1]!] ?? linked);
    }
    if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/pulls$/.test(url.pathname)) {
      // GitHub's filter: head=owner:branch (exact), state=open|closed|all (default open).
      const head = url.searchParams.get('head');
      const state = url.searchParams.get('state') ?? 'open';
      const list = api.pullRequests.filter(
        (pr) => (!head || `${pr.head.owner}:${pr.head.ref}` === head) && (state === 'all' || pr.state === state),
      );
      return send(res, 200, list.map(asGitHubPull));
    }
    if (method === 'POST' && (m = /^\/repos\/[^/]+\/[^/]+\/statuses\/([0-9a-f]{40})$/.exec(url.pathname))) {
      const { state, context, description, target_url } = JSON.parse(body);
      if (!['error', 'failure', 'pending', 'success'].includes(state))
        return send(res, 422, { message: 'Validation Failed' });
      if (typeof description === 'string' && description.length > 140)
        return send(res, 422, { message: 'Validation Failed: description is too long (maximum is 140 characters)' });
      const status = { sha: m[1]!, state, context: context ?? 'default', description, target_url };
      api.createdStatuses.push(status);
      return send(res, 201, status);
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
      const list = (api.comments[Number(m[1])] ??= []);
      if (method === 'POST') {
        const comment = {
          id: nextComment++,
          body: JSON.parse(body).body,
          user: { login: `${api.viewer}[bot]`, type: 'Bot' },
        };
        list.push(comment);
        return send(res, 201, comment);
      }
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = list.slice((page - 1) * perPage, page * perPage);
      const more = page * perPage < list.length;
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      return send(res, 200, slice, more ? { link: `<${api.url}${next.pathname}${next.search}>; rel="next"` } : {});
    }
    if (method === 'PATCH' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname))) {
      const comment = Object.values(api.comments)
        .flat()
        .find((c) => c.id === Number(m![1]));
      if (!comment) return send(res, 404, { message: 'Not Found' });
      comment.body = JSON.parse(body).body;
      return send(res, 200, comment);
    }
    send(res, 404, { message: `stand-in has no ${method} ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}

function asGitHubPull(pr: FakePullRequest) {
  const repo = { full_name: `${pr.head.owner}/shop`, fork: pr.head.fork, owner: { login: pr.head.owner } };
  return {
    number: pr.number,
    state: pr.state,
    head: { sha: pr.head.sha, ref: pr.head.ref, label: `${pr.head.owner}:${pr.head.ref}`, repo },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

/** GitHub's conditional requests: the same answer again is a bodiless 304 (free against the rate limit). */
function sendCached(req: IncomingMessage, res: ServerResponse, body: unknown): void {
  const etag = `"${createHash('sha1').update(JSON.stringify(body)).digest('hex')}"`;
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { etag }).end();
    return;
  }
  send(res, 200, body, { etag });
}
