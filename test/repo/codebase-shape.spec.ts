import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The codebase's shape (README "Codebase shape", issue 14): every service has the dialer's skeleton,
 * a README, SQL that takes its schema from `Database`, no broker client of its own, and one
 * `execute` per use case. Reads files only; fails naming the offending file.
 */
const ROOT = join(__dirname, '..', '..');
const SERVICES = ['gateway', 'ingest', 'scheduler', 'dialer', 'reporting'] as const;
const FOLDERS = ['domain', 'usecases', 'handlers', 'persistence', 'adapters'] as const;
const SCHEMA_IN_SQL = /\b(FROM|INTO|UPDATE|JOIN|TABLE|ON)\s+"?(gateway|ingest|scheduler|dialer|reporting)"?\.[a-z_]/i;

function filesUnder(dir: string, suffix = '.ts'): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, suffix));
    else if (path.endsWith(suffix)) out.push(path);
  }
  return out;
}

const rel = (path: string) => relative(ROOT, path);
const sourceFiles = (app: string) =>
  filesUnder(join(ROOT, 'apps', app, 'src')).filter((f) => !/\.(spec|int-spec)\.ts$/.test(f));

describe.each(SERVICES)('apps/%s', (app) => {
  const src = join(ROOT, 'apps', app, 'src');

  it('has the skeleton folders and nothing else at the top of src/', () => {
    const allowed = new Set<string>([
      ...FOLDERS,
      'main.ts',
      `${app}-service.ts`,
      `${app}-env.ts`,
      `${app}-env.spec.ts`,
      `${app}.module.ts`,
      `${app}-metrics.ts`,
    ]);
    const entries = readdirSync(src);
    expect(entries.filter((e) => !allowed.has(e))).toEqual([]);
    for (const folder of FOLDERS) expect(`${folder}: ${existsSync(join(src, folder))}`).toBe(`${folder}: true`);
    for (const file of ['main.ts', `${app}-service.ts`, `${app}-env.ts`, `${app}.module.ts`])
      expect(entries).toContain(file);
  });

  it('has a README and an integration tier', () => {
    expect(existsSync(join(ROOT, 'apps', app, 'README.md'))).toBe(true);
    expect(filesUnder(join(ROOT, 'apps', app, 'test'), '.int-spec.ts').length).toBeGreaterThan(0);
  });

  it('names no schema in SQL (the schema comes from Database)', () => {
    const offenders = sourceFiles(app)
      .filter((f) => !f.endsWith('migrations.ts'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${rel(f)}:${i + 1}` }))
          .filter(({ line }) => SCHEMA_IN_SQL.test(line))
          .map(({ at }) => at),
      );
    expect(offenders).toEqual([]);
  });

  it('never imports the NATS clients (the broker is behind the runtime ports)', () => {
    const offenders = sourceFiles(app).filter((f) =>
      /from '@nats-io\/|require\('@nats-io\//.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map(rel)).toEqual([]);
  });

  it('has one use case per folder, each with a single public execute', () => {
    const usecases = join(src, 'usecases');
    const problems: string[] = [];
    for (const name of readdirSync(usecases)) {
      const file = join(usecases, name, `${name}.usecase.ts`);
      if (!existsSync(file)) {
        problems.push(`${rel(join(usecases, name))}: no ${name}.usecase.ts`);
        continue;
      }
      const text = readFileSync(file, 'utf8');
      const classes = [...text.matchAll(/export class (\w+UseCase)\b/g)].map((m) => m[1]);
      if (classes.length !== 1) problems.push(`${rel(file)}: ${classes.length} exported use case classes`);
      const publicMethods = [...text.matchAll(/^ {2}(?:async )?([a-zA-Z]\w*)\s*(?:<[^>]*>)?\(/gm)]
        .map((m) => m[1])
        .filter((method) => method !== 'constructor' && !['if', 'for', 'while', 'switch', 'return'].includes(method));
      const extra = publicMethods.filter((m) => m !== 'execute');
      if (!publicMethods.includes('execute')) problems.push(`${rel(file)}: no execute()`);
      if (extra.length > 0) problems.push(`${rel(file)}: public methods besides execute: ${extra.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('keeps the domain pure (no database, broker, framework or file system)', () => {
    const offenders = filesUnder(join(src, 'domain'))
      .filter((f) => !/\.spec\.ts$/.test(f))
      .filter((f) =>
        /from '(pg|pg-copy-streams|@nats-io\/[^']+|@nestjs\/[^']+|node:fs|fs|node:http|node:https|@outdial\/service-runtime)'/.test(
          readFileSync(f, 'utf8'),
        ),
      );
    expect(offenders.map(rel)).toEqual([]);
  });

  it('names repositories *.repository.ts, each stating its transaction and locking contract', () => {
    const problems = filesUnder(join(src, 'persistence'))
      .filter((f) => !/\.(spec|int-spec)\.ts$/.test(f) && !f.endsWith('migrations.ts'))
      .filter((f) => f.endsWith('.repository.ts'))
      .filter((f) => !/transaction|lock/i.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(problems).toEqual([]);
  });
});

describe('packages/contracts', () => {
  it('has no `as unknown as` (the subject map is typed)', () => {
    const offenders = filesUnder(join(ROOT, 'packages', 'contracts', 'src')).filter((f) =>
      /\bas unknown as\b/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map(rel)).toEqual([]);
  });
});
