// The standalone build a container image runs with `node server.js`.
export default { output: 'standalone' };
