import http from 'node:http';
import type { AddressInfo } from 'node:net';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startBalancer } = require('../../scripts/platform-launcher');

/**
 * The launcher's TCP balancer (the public gateway port with GATEWAY_REPLICAS > 1) against plain
 * HTTP servers standing for gateways: round robin per connection over the backends that are up, a
 * refused connect tried on the next one, streams (SSE) passed through as they are written.
 */
describe('the gateway balancer of the launcher', () => {
  const servers: http.Server[] = [];
  const backends: { name: string; port: number; up: boolean }[] = [];
  let balancer: { close(): void };
  let url: string;

  const listen = (name: string) =>
    new Promise<void>((resolve) => {
      const server = http.createServer((req, res) => {
        if (req.url === '/stream') {
          res.writeHead(200, { 'Content-Type': 'text/event-stream' });
          let n = 0;
          const timer = setInterval(() => {
            res.write(`event: tick\ndata: ${n}\n\n`);
            if (++n === 3) {
              clearInterval(timer);
              res.end();
            }
          }, 100);
          return;
        }
        res.end(name);
      });
      // A WebSocket-style upgrade: after the 101 the connection echoes what it gets.
      server.on('upgrade', (_req, socket) => {
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
        socket.pipe(socket);
      });
      server.listen(0, '127.0.0.1', () => {
        servers.push(server);
        backends.push({ name, port: (server.address() as AddressInfo).port, up: true });
        resolve();
      });
    });

  /** One request on a fresh connection (no keep-alive): the balancer picks a backend per connection. */
  const get = (path = '/') =>
    new Promise<string>((resolve, reject) => {
      http
        .get(`${url}${path}`, { agent: false }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });

  beforeAll(async () => {
    await listen('a');
    await listen('b');
    await listen('c');
    balancer = await startBalancer({ port: 0, host: '127.0.0.1', backends: () => backends });
    url = `http://127.0.0.1:${((balancer as unknown as { server: http.Server }).server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    balancer?.close();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('spreads new connections round robin over the backends', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push(await get());
    expect(seen.slice(0, 3).sort()).toEqual(['a', 'b', 'c']);
    expect(seen.slice(3)).toEqual(seen.slice(0, 3));
  });

  it('skips a backend marked down, and tries the next when a connect is refused', async () => {
    backends[1].up = false;
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(await get());
    expect([...seen].sort()).toEqual(['a', 'c']);
    // "c" dies without the launcher having noticed yet: its connects are refused, the next one answers.
    await new Promise((r) => servers[2].close(r));
    for (let i = 0; i < 6; i++) expect(['a']).toContain(await get());
    backends[1].up = true;
  });

  it('passes a server-sent event stream through as it is written', async () => {
    const started = Date.now();
    const arrivals: number[] = [];
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(`${url}/stream`, { agent: false }, (res) => {
          let text = '';
          res.on('data', (c) => {
            arrivals.push(Date.now() - started);
            text += c;
          });
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(body.match(/event: tick/g)).toHaveLength(3);
    // Not buffered until the end: the events arrive apart.
    expect(arrivals.length).toBeGreaterThanOrEqual(2);
  });

  it('passes an upgraded (WebSocket) connection through both ways', async () => {
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = http.request(`${url}/ws`, {
        agent: false,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket' },
      });
      req.on('upgrade', (_res, socket) => {
        socket.once('data', (chunk) => {
          socket.destroy();
          resolve(chunk.toString());
        });
        socket.write('ping');
      });
      req.on('error', reject);
      req.end();
    });
    expect(echoed).toBe('ping');
  });
});
