'use strict';
// Diagnostic preload for bench/report/run.js (node --require through NODE_OPTIONS); not used otherwise.
// BENCH_MEMORY_DIR=<dir>: samples process.memoryUsage() and the V8 heap spaces every 50 ms into
//   <dir>/<pid>.jsonl, and on SIGUSR2 (sent by run.js before the export) logs the breakdown before
//   and after a full GC when run with --expose-gc (live data vs garbage not yet collected).
// BENCH_CPU_PROF=<dir>: SIGUSR2 starts a CPU profile, the next SIGUSR2 writes it to <dir>.
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');

const name = path.basename(path.dirname(path.dirname(process.argv[1] || '')));
const mb = (n) => Math.round((n / 1048576) * 10) / 10;
const breakdown = () => Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, mb(v)]));

const dir = process.env.BENCH_MEMORY_DIR;
if (dir) {
  const file = path.join(dir, `${process.pid}.jsonl`);
  const timer = setInterval(() => {
    const spaces = {};
    for (const s of v8.getHeapSpaceStatistics()) spaces[s.space_name.replace('_space', '')] = mb(s.space_size);
    fs.appendFileSync(file, `${JSON.stringify({ t: Date.now(), service: name, ...breakdown(), spaces })}\n`);
  }, 50);
  timer.unref();
  // Every GC: its kind (scavenge or mark-compact) and the old space right after it.
  const { PerformanceObserver, constants } = require('node:perf_hooks');
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = kinds[entry.detail?.kind] ?? String(entry.detail?.kind);
      if (kind === 'minor') continue;
      const m = process.memoryUsage();
      fs.appendFileSync(
        file,
        `${JSON.stringify({ t: Date.now(), service: name, gcEvent: kind, ms: Math.round(entry.duration * 10) / 10, heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), rss: mb(m.rss) })}\n`,
      );
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    if (!global.gc) return;
    const before = breakdown();
    global.gc();
    fs.appendFileSync(
      file,
      `${JSON.stringify({ t: Date.now(), service: name, gc: { before, after: breakdown() } })}\n`,
    );
  });
}

// BENCH_HEAP_SAMPLE=<dir>: SIGUSR2 starts the sampling heap profiler, counting objects that a
//   scavenge left alive but a mark-compact collected (what a request leaves in the old space); the
//   next SIGUSR2 writes the profile to <dir>.
/**
 * SIGUSR2 toggles an inspector profiler: the first starts it, the next stops it and writes the
 * profile to <dir>/<service>-<pid>.<extension>.
 */
function profileOnSignal(dir, domain, start, stop, extension) {
  const inspector = require('node:inspector');
  const session = new inspector.Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post(`${domain}.enable`, () => session.post(start.method, start.params));
      return;
    }
    running = false;
    session.post(stop, (error, result) => {
      if (!error)
        fs.writeFileSync(path.join(dir, `${name}-${process.pid}.${extension}`), JSON.stringify(result.profile));
    });
  });
}

const heapDir = process.env.BENCH_HEAP_SAMPLE;
if (heapDir) {
  const params = {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: false,
  };
  profileOnSignal(
    heapDir,
    'HeapProfiler',
    { method: 'HeapProfiler.startSampling', params },
    'HeapProfiler.stopSampling',
    'heapprofile',
  );
}

const profDir = process.env.BENCH_CPU_PROF;
if (profDir) profileOnSignal(profDir, 'Profiler', { method: 'Profiler.start' }, 'Profiler.stop', 'cpuprofile');
