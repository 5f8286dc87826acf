'use strict';
// `npm run test:ops`: the Prometheus configuration and alerting rules are valid (promtool check)
// and each alert fires on exactly what it is for (promtool test rules ops/prometheus/alerts.test.yml).
// promtool comes with Debian's `prometheus` package (.ci/run installs it).
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const OPS = path.resolve(__dirname, '..', 'ops');
const run = (args, cwd = OPS) => execFileSync('promtool', args, { cwd, stdio: 'inherit' });

try {
  execFileSync('promtool', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('promtool not found: install Debian\'s "prometheus" package (apt-get install prometheus)');
  process.exit(1);
}
run(['check', 'config', 'prometheus.yml']);
run(['check', 'rules', 'prometheus/alerts.yml']);
run(['test', 'rules', 'alerts.test.yml'], path.join(OPS, 'prometheus'));
console.log('promtool: configuration valid, alerting rules checked and their unit tests passed');
