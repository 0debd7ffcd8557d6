// Stands in for `node:https` in Lambda bundles: see node-http.cjs.
module.exports = process.getBuiltinModule('node:https');
