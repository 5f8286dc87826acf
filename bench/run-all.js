'use strict';
// Runs every benchmark under bench/ in turn; each prints its figures as JSON lines.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

for (const dir of fs.readdirSync(__dirname, { withFileTypes: true })) {
  const script = path.join(__dirname, dir.name, 'run.js');
  if (dir.isDirectory() && fs.existsSync(script)) {
    console.log(`== bench/${dir.name}`);
    execFileSync(process.execPath, [script], { stdio: 'inherit' });
  }
}
