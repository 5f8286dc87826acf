'use strict';
// `npm start`: the whole platform on this machine (SPEC §11).
const { launchPlatform, bootstrapDefaultOrg } = require('./platform-launcher');

async function main() {
  const env = {
    DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/outdial',
    NATS_URL: process.env.NATS_URL || 'nats://127.0.0.1:4222',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  };
  const replicas = Number(process.env.DIALER_REPLICAS || 1);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 32) {
    console.error(`DIALER_REPLICAS must be an integer from 1 to 32 (got ${process.env.DIALER_REPLICAS})`);
    process.exit(78);
  }
  const schedulerReplicas = Number(process.env.SCHEDULER_REPLICAS || 1);
  if (!Number.isInteger(schedulerReplicas) || schedulerReplicas < 1 || schedulerReplicas > 8) {
    console.error(`SCHEDULER_REPLICAS must be an integer from 1 to 8 (got ${process.env.SCHEDULER_REPLICAS})`);
    process.exit(78);
  }
  const gatewayReplicas = Number(process.env.GATEWAY_REPLICAS || 1);
  if (!Number.isInteger(gatewayReplicas) || gatewayReplicas < 1 || gatewayReplicas > 8) {
    console.error(`GATEWAY_REPLICAS must be an integer from 1 to 8 (got ${process.env.GATEWAY_REPLICAS})`);
    process.exit(78);
  }
  const reportingReplicas = Number(process.env.REPORTING_REPLICAS || 1);
  if (!Number.isInteger(reportingReplicas) || reportingReplicas < 1 || reportingReplicas > 8) {
    console.error(`REPORTING_REPLICAS must be an integer from 1 to 8 (got ${process.env.REPORTING_REPLICAS})`);
    process.exit(78);
  }
  const gatewayPort = Number(process.env.GATEWAY_PORT || 8010);
  const started = Date.now();
  const bootstrap = bootstrapDefaultOrg(env, process.env.OUTDIAL_BOOTSTRAP_TOKEN);
  let stop = async () => undefined;
  // A stop asked for while the services are still starting (SIGINT/SIGTERM to this process, e.g.
  // through `npm start`'s pid) waits until they are up, then stops them all: the default action
  // would end the launcher alone and leave its services running.
  let stopAsked = false;
  const askStop = () => {
    if (stopAsked) return;
    stopAsked = true;
    console.log('stopping Outdial once the services that are starting are up...');
  };
  process.on('SIGINT', askStop);
  process.on('SIGTERM', askStop);
  const platform = await launchPlatform({
    env,
    dialerReplicas: replicas,
    schedulerReplicas,
    gatewayReplicas,
    reportingReplicas,
    fixedPorts: true,
    gatewayPort,
    stdio: 'inherit',
    // A crashed service is restarted while the others keep serving; only a process that keeps
    // crashing (more than 5 exits in 60 s) stops the platform.
    supervise: {
      onEvent(event) {
        const at = new Date().toISOString();
        if (event.type === 'restarting') {
          console.error(
            `[launcher ${at}] ${event.name} exited (${event.reason}); restarting in ${(event.delayMs / 1000).toFixed(1)} s (exit ${event.crashes} in the last ${event.windowMs / 1000} s)`,
          );
        } else if (event.type === 'restarted') {
          console.error(
            `[launcher ${at}] ${event.name} is back (pid ${event.pid}, ready in ${(event.readyMs / 1000).toFixed(1)} s)`,
          );
        } else if (event.type === 'restart-failed') {
          console.error(`[launcher ${at}] ${event.name} did not come back: ${event.reason}`);
        } else if (event.type === 'give-up') {
          console.error(
            `[launcher ${at}] ${event.name} exited ${event.crashes} times in ${event.windowMs / 1000} s (last: ${event.reason}); giving up and stopping the platform`,
          );
          void stop(1);
        }
      },
    },
  });
  const token = process.env.OUTDIAL_BOOTSTRAP_TOKEN || bootstrap.token;
  const lines = [
    '',
    `Outdial is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    `  Console        ${platform.gatewayUrl}/app/   (sign in with the owner token below)`,
    `  API            ${platform.gatewayUrl}   (org "default", agent "agent-demo", number +12025550100; docs at ${platform.gatewayUrl}/docs)`,
    ...(platform.balanced
      ? [`  balancer       ${platform.gatewayUrl} -> ${gatewayReplicas} gateway(s), round robin over those up`]
      : []),
    ...platform.processes.map((p) => `  ${p.name.padEnd(14)} ${p.url}/health/ready  ${p.url}/metrics  (pid ${p.pid})`),
    `  database       ${env.DATABASE_URL}`,
    `  NATS           ${env.NATS_URL}`,
    token
      ? `  owner token    ${token}${bootstrap.token ? '   (shown once: keep it)' : ''}`
      : '  owner token    created on the first start (see its output), or set OUTDIAL_BOOTSTRAP_TOKEN',
    '',
    'Try it:',
    `  printf 'phone,name\\n+14155550101,Ada\\n' > contacts.csv`,
    `  curl -s -H "Authorization: Bearer ${token || '<token>'}" -F file=@contacts.csv -F agent_id=agent-demo -F bypass_call_guardrails=true ${platform.gatewayUrl}/api/batch-calls`,
    '  (bypass_call_guardrails=true: a test list, dialed at any hour; without it each contact waits for its local calling hours)',
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  if (!stopAsked) console.log(lines.join('\n'));

  let stopping = false;
  stop = async (code) => {
    if (stopping) return;
    stopping = true;
    console.log('stopping Outdial...');
    await platform.stop();
    process.exit(code);
  };
  process.off('SIGINT', askStop);
  process.off('SIGTERM', askStop);
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  if (stopAsked) await stop(0);
}

main().catch((error) => {
  console.error(`Outdial failed to start: ${error.message}`);
  process.exit(1);
});
