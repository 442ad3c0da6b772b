import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPointer } from '../src/repo/pointers.js';

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'gate-repo-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('where in the repository the fix goes', () => {
  it('finds ALLOWED_HOSTS in Django settings for host-rejected', () => {
    const root = repo({
      'shop/settings.py': 'DEBUG = False\n\nALLOWED_HOSTS = ["app.internal"]\n',
      'node_modules/x/settings.py': 'ALLOWED_HOSTS = []\n',
    });
    expect(findPointer('host-rejected', root)).toMatchObject({
      pointer: { file: 'shop/settings.py', line: 3, text: 'ALLOWED_HOSTS = ["app.internal"]' },
      others: 0,
    });
  });

  it('finds proxy_pass, then the gunicorn bind, for upstream-unreachable', () => {
    const nginx = repo({
      'deploy/nginx.conf': 'server {\n  location / {\n    proxy_pass http://127.0.0.1:8000;\n  }\n}\n',
      Procfile: 'web: gunicorn app.wsgi --bind unix:/run/gunicorn.sock\n',
    });
    expect(findPointer('upstream-unreachable', nginx)?.pointer).toMatchObject({ file: 'deploy/nginx.conf', line: 3 });
    const procfile = repo({
      Procfile: 'release: python manage.py migrate\nweb: gunicorn app.wsgi --bind 127.0.0.1:8000\n',
    });
    expect(findPointer('upstream-unreachable', procfile)?.pointer).toMatchObject({ file: 'Procfile', line: 2 });
  });

  it('finds Rails config.hosts and the Vite allowedHosts', () => {
    expect(
      findPointer(
        'host-rejected',
        repo({
          'config/environments/production.rb':
            'Rails.application.configure do\n  config.hosts << "app.internal"\nend\n',
        }),
      )?.pointer,
    ).toMatchObject({ line: 2 });
    expect(
      findPointer(
        'host-rejected',
        repo({ 'vite.config.ts': 'export default {\n  preview: { allowedHosts: ["a"] },\n}\n' }),
      )?.pointer,
    ).toMatchObject({ file: 'vite.config.ts', line: 2 });
  });

  it('never guesses: says what it looked for when nothing is there', () => {
    const found = findPointer('host-rejected', repo({ 'README.md': 'ALLOWED_HOSTS = everything\n' }), 'django');
    expect(found?.pointer).toBeUndefined();
    expect(found?.lookedFor).toContain('`ALLOWED_HOSTS` in Django settings');
    expect(findPointer('app-error', repo({}))).toBeUndefined();
  });
  it('with no stack shown, "looked for" names no stack (no Django settings for an unknown app)', () => {
    const found = findPointer('host-rejected', repo({ 'README.md': 'ALLOWED_HOSTS = everything\n' }));
    expect(found?.lookedFor ?? '').not.toMatch(/Django|ALLOWED_HOSTS/);
  });
  it('with the stack known, only its rules are tried: a puma app gets no gunicorn bind', () => {
    const files = {
      'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n',
      'config/puma.rb': 'port ENV.fetch("PORT", 3000)\n',
    };
    const found = findPointer('upstream-unreachable', repo(files), 'rails');
    expect(found?.pointer?.file).toBe('config/puma.rb');
  });
});
