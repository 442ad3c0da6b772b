// Serves one demo deploy on a fixed port until stopped: `node demo/serve.js django-allowed-hosts 8081`.
// The CI workflow points the action (`uses: ./`) at these, the way a user's workflow points it at a deploy.
import { createServer } from 'node:http';
import { DEPLOYS } from './deploys.js';

const [name, port = '8080'] = process.argv.slice(2);
const deploy = DEPLOYS.find((d) => d.name === name);
if (!deploy) {
  console.error(`unknown deploy "${name}"; one of: ${DEPLOYS.map((d) => d.name).join(', ')}`);
  process.exit(2);
}
deploy.startedAt = Date.now();
createServer((req, res) => deploy.handle(req, res)).listen(Number(port), '127.0.0.1', () =>
  console.log(`${deploy.name} on http://127.0.0.1:${port}: ${deploy.story}`),
);
