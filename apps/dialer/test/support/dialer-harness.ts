import { createServer } from 'node:net';

import { JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { AgentChangedEvent, EventPayload, EventSubject, prefixedStreamName, Subjects } from '@outdial/contracts';
import { RunningService, startService } from '@outdial/service-runtime';

import { createIsolatedEnv, IsolatedEnv } from '../../../../test/support/isolated-env';
import { GatewayEnv } from '../../../gateway/src/gateway-env';
import { gatewayService } from '../../../gateway/src/gateway-service';
import { DialerEnv } from '../../src/dialer-env';
import { dialerService } from '../../src/dialer-service';

/**
 * What the dialer's integration specs share: an isolated database + NATS prefix, the dialer (and,
 * for provider callbacks, the real gateway on a free port), publishing, SQL, polling, and reading
 * a stream back. Each spec keeps its own requests and assertions.
 */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `predicate` every `pollMs` until it holds; throws `<what> not met within <timeoutMs> ms`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what = 'condition',
  pollMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await sleep(pollMs);
  }
  throw new Error(`${what} not met within ${timeoutMs} ms`);
}

/** A TCP port free right now on 127.0.0.1 (for the gateway, whose URL providers call back). */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One message of a stream read back by sequence number, with its logical (unprefixed) subject. */
export interface StreamMessage {
  seq: number;
  subject: string;
  payload: Record<string, unknown>;
}

/** A running dialer (and maybe gateway) on an isolated env; see startDialer / startGatewayAndDialer. */
export class DialerHarness {
  /** The spec's own NATS connection, to read streams back (the service's broker stays behind its ports). */
  private nats?: Promise<{ nc: NatsConnection; jsm: JetStreamManager }>;
  private readonly replicas: RunningService<DialerEnv>[] = [];

  constructor(
    readonly env: IsolatedEnv,
    /** The running dialer; replaced by restartDialer(). */
    public dialer: RunningService<DialerEnv>,
    /** The env the dialer was started with (a restart uses it again); process.env is never changed. */
    private readonly serviceEnv: Record<string, string | undefined>,
    private readonly stopOthers: () => Promise<void> = async () => undefined,
  ) {}

  /** Publishes on the run's JetStream (message id = the payload's event_id; the payload is validated first). */
  async publish<S extends EventSubject>(subject: S, payload: EventPayload<S>): Promise<void> {
    await this.dialer.runtime.publisher.publish(subject, payload);
  }

  /** One SQL query on the dialer's database. */
  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.dialer.runtime.db.query<T & object>(sql, params) as Promise<T[]>;
  }

  /** The messages of stream `name` (e.g. 'CALL', 'PROVIDER') from `fromSeq` on; a message gone meanwhile is skipped. */
  async streamMessages(name: string, fromSeq = 1): Promise<StreamMessage[]> {
    const jsm = await this.jsm();
    const stream = prefixedStreamName(this.env.prefix, name);
    const info = await jsm.streams.info(stream);
    const out: StreamMessage[] = [];
    for (let seq = Math.max(fromSeq, info.state.first_seq); seq <= info.state.last_seq; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (message) out.push({ seq, subject: this.logicalSubject(message.subject), payload: message.json() });
    }
    return out;
  }

  /** The stream's last sequence number (0 when empty) and how many messages it holds now (work queues: not yet acknowledged). */
  async streamState(name: string): Promise<{ last_seq: number; messages: number }> {
    const { state } = await (await this.jsm()).streams.info(prefixedStreamName(this.env.prefix, name));
    return { last_seq: state.last_seq, messages: state.messages };
  }

  /** Publishes org limits (version 1) and agents, and waits until the dialer has applied them all. */
  async announce(
    org: string,
    limits: { max_concurrent_calls: number; calls_per_second: number },
    agents: Pick<AgentChangedEvent, 'agent_id' | 'provider' | 'config'>[] = [],
  ): Promise<void> {
    const at = new Date().toISOString();
    await this.publish(Subjects.orgSettingsChanged, {
      event_id: `${org}-limits`,
      org_id: org,
      ...limits,
      compliance_guard: true,
      version: 1,
      at,
    });
    for (const agent of agents) {
      await this.publish(Subjects.agentChanged, {
        event_id: `${agent.agent_id}-v1`,
        org_id: org,
        name: agent.agent_id,
        kind: 'voice',
        deleted: false,
        version: 1,
        at,
        ...agent,
      });
    }
    await waitFor(
      async () =>
        (await this.query(`SELECT 1 FROM dialer.agents WHERE org_id = $1`, [org])).length === agents.length &&
        (await this.query(`SELECT 1 FROM dialer.org_budgets WHERE org_id = $1 AND settings_version = 1`, [org]))
          .length === 1,
      15_000,
      `${org} announced`,
    );
  }

  private async jsm(): Promise<JetStreamManager> {
    this.nats ??= connect({ servers: this.env.natsUrl }).then(async (nc) => ({ nc, jsm: await jetstreamManager(nc) }));
    return (await this.nats).jsm;
  }

  /** A wire subject without the run's prefix (`<prefix>.v1.call.finished` -> `v1.call.finished`). */
  private logicalSubject(wire: string): string {
    return wire.startsWith(`${this.env.prefix}.`) ? wire.slice(this.env.prefix.length + 1) : wire;
  }

  /** Stops the dialer (its timers go with it) and starts a new instance on the same env. */
  async restartDialer(): Promise<RunningService<DialerEnv>> {
    await this.dialer.app.close();
    this.dialer = await startService(dialerService, { env: this.serviceEnv });
    return this.dialer;
  }

  /** Another dialer replica on the same env (database, NATS prefix); stopped by close(). */
  async startReplica(): Promise<RunningService<DialerEnv>> {
    const replica = await startService(dialerService, { env: this.serviceEnv });
    this.replicas.push(replica);
    return replica;
  }

  async close(): Promise<void> {
    if (this.nats) await (await this.nats).nc.close();
    for (const replica of this.replicas) await replica.app.close();
    await this.dialer.app.close();
    await this.stopOthers();
    await this.env.cleanup();
  }
}

export class GatewayDialerHarness extends DialerHarness {
  constructor(
    env: IsolatedEnv,
    dialer: RunningService<DialerEnv>,
    readonly gateway: RunningService<GatewayEnv>,
    /** `http://127.0.0.1:<port>`: the PUBLIC_BASE_URL the dialer gives providers for callbacks. */
    readonly gatewayUrl: string,
    serviceEnv: Record<string, string | undefined>,
  ) {
    super(env, dialer, serviceEnv, () => gateway.app.close());
  }
}

/** The dialer alone, configured by `vars` on top of the isolated env (an env object: process.env is not changed). */
export async function startDialer(label: string, vars: Record<string, string>): Promise<DialerHarness> {
  const env = await createIsolatedEnv(label);
  const serviceEnv = { ...process.env, ...env.serviceEnv(), ...vars };
  return new DialerHarness(env, await startService(dialerService, { env: serviceEnv }), serviceEnv);
}

/**
 * The real gateway (on a free port, so provider callbacks enter through POST
 * /api/provider-events/{provider}) and the dialer, both configured by `vars` (PUBLIC_BASE_URL is set
 * to the gateway). Both get env objects: process.env is not changed.
 */
export async function startGatewayAndDialer(
  label: string,
  vars: Record<string, string>,
): Promise<GatewayDialerHarness> {
  const env = await createIsolatedEnv(label);
  const gatewayPort = await freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const common = { ...process.env, ...env.serviceEnv(), PUBLIC_BASE_URL: gatewayUrl, ...vars };
  const gateway = await startService(gatewayService(), {
    env: { ...common, HTTP_PORT: String(gatewayPort), HTTP_HOST: '127.0.0.1' },
  });
  // The dialer's own HTTP (ops, metrics) on any free port.
  const dialerEnv = { ...common, HTTP_PORT: '0' };
  const dialer = await startService(dialerService, { env: dialerEnv });
  return new GatewayDialerHarness(env, dialer, gateway, gatewayUrl, dialerEnv);
}
