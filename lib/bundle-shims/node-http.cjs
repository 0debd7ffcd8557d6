// Stands in for `node:http` in Lambda bundles (lib/bundling.ts): an ES `import` of it makes
// Node build a module facade that reads every export, which loads Node's bundled undici
// (≈ 20 ms of cold start) for the fetch/WebSocket getters nobody here uses.
module.exports = process.getBuiltinModule('node:http');
