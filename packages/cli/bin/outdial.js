#!/usr/bin/env node
'use strict';
// The `outdial` command (packages/cli). Build first: `npm run build` at the repository root.
let main;
try {
  main = require('../dist/main.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND') {
    process.stderr.write('error: not_built: run `npm run build` in the Outdial checkout first\n');
    process.exit(1);
  }
  throw error;
}
main.run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
