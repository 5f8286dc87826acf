import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { createIsolatedEnv, IsolatedEnv } from '../support/isolated-env';

/**
 * `npm start` stops everything when its own pid gets SIGINT or SIGTERM (a process manager, or
 * `kill <pid>`), not only on a terminal's Ctrl-C (which signals the whole process group): npm
 * forwards the signal to the launcher (`exec`, no shell in between), which stops every service,
 * also when the signal comes while the services are still starting. Through the real `npm start`.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a process is alive (signal 0). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start stops every process on SIGINT/SIGTERM to its pid', () => {
  let env: IsolatedEnv;

  beforeAll(async () => {
    env = await createIsolatedEnv('npmstop');
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  async function startAndSignal(signal: NodeJS.Signals, when: 'starting' | 'ready'): Promise<string> {
    const gatewayPort = 21000 + Math.floor(Math.random() * 20000);
    let output = '';
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: env.databaseUrl,
        NATS_URL: env.natsUrl,
        NATS_PREFIX: env.prefix,
        GATEWAY_PORT: String(gatewayPort),
        OUTDIAL_BOOTSTRAP_TOKEN: `od_test_npmstop_${Date.now()}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout!.on('data', (chunk) => (output += chunk.toString()));
    npm.stderr!.on('data', (chunk) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 120_000;
    const ready = () => output.includes('Ctrl-C stops everything');
    // "starting": a service runs (a process with this run's NATS_PREFIX) but the banner is not out yet.
    const starting = () => !ready() && servicesOf(env.prefix).some(isService);
    while (!(when === 'ready' ? ready() : starting()) && Date.now() < deadline) await sleep(50);
    if (when === 'starting') expect(ready()).toBe(false);
    const tree = [npm.pid!, ...childPids(npm.pid!)];
    expect(servicesOf(env.prefix).filter(isService).length).toBeGreaterThan(0);
    npm.kill(signal);
    await exited;
    // Every process of this run ends, services spawned after the signal included.
    const until = Date.now() + 30_000;
    let left: number[] = [];
    while (Date.now() < until) {
      left = [...tree, ...servicesOf(env.prefix)].filter(alive);
      if (left.length === 0) break;
      await sleep(200);
    }
    expect({ left, output: left.length ? output.slice(-2000) : '' }).toEqual({ left: [], output: '' });
    return output;
  }

  /** Descendant pids of `pid` (from /proc), the launcher and its services. */
  function childPids(pid: number): number[] {
    const out: number[] = [];
    const queue = [pid];
    while (queue.length > 0) {
      const parent = queue.shift()!;
      for (const entry of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          if (ppid === parent) {
            out.push(Number(entry));
            queue.push(Number(entry));
          }
        } catch {
          /* gone meanwhile */
        }
      }
    }
    return out;
  }

  /** Whether `pid` runs a service (`apps/<name>/dist/main.js`), not npm, a shell or the launcher. */
  function isService(pid: number): boolean {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/main.js');
    } catch {
      return false;
    }
  }

  /** Pids of the processes whose environment carries this run's NATS_PREFIX (the launcher's services). */
  function servicesOf(prefix: string): number[] {
    const pids: number[] = [];
    for (const entry of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
        if (environ.split('\0').includes(`NATS_PREFIX=${prefix}`) && Number(entry) !== process.pid)
          pids.push(Number(entry));
      } catch {
        /* gone meanwhile, or not ours to read */
      }
    }
    return pids;
  }

  it('SIGINT once everything is up: "stopping Outdial..." and no process left', async () => {
    const output = await startAndSignal('SIGINT', 'ready');
    expect(output).toContain('stopping Outdial...');
  }, 180_000);

  it('SIGTERM while the services are still starting: they are stopped once up, none left running', async () => {
    await startAndSignal('SIGTERM', 'starting');
  }, 180_000);
});
