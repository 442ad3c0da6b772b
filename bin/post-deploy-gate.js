#!/usr/bin/env node
// Written to parse and run on any Node that can load an ES module: the version check comes before anything
// that needs Node 24 is loaded (a static import would fail first, with an error about a missing export).
var major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    'post-deploy-gate needs Node.js 24 or newer; this is Node.js ' +
      process.versions.node +
      '. Install Node 24 (https://nodejs.org) and run it again.\n',
  );
  process.exit(1);
}
import('../lib/cli/index.js');
