// The gate needs Node 24 (undici 8). `npm ci` installs it (the `node` devDependency, which fetches the
// binary for this platform) so npm scripts use it; this says so plainly when that did not happen
// (install scripts turned off, say).
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `post-deploy-gate needs Node.js 24 or newer; this is ${process.version}.\n` +
      '`npm ci` installs it for npm scripts (the `node` devDependency, whose install script must run); or install Node 24.',
  );
  process.exit(1);
}
