import 'reflect-metadata';

import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  getMetadataStorage,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
  validateSync,
  ValidationTypes,
} from 'class-validator';

import { ContactsChunkEvent } from './batch-ingest';
import { CallTiming } from './batch-settings';
import { fastValidatedInstance, isFastCompilable } from './payload-compiler';
import {
  flattenValidationErrors,
  fullPass,
  InvalidPayloadError,
  PAYLOAD_CLASSES,
  toValidatedInstance,
} from './payload-registry';

/**
 * The proof that the compiled fast path (payload-compiler.ts) is the full class-transformer +
 * class-validator pass, only faster: for every payload class, valid payloads generated from the
 * decorators and thousands of mutations of them, compared with the full pass on accept/reject and on
 * the instance built (deep-equal, same classes, nested too); and parsePayload's errors unchanged.
 */

type Plain = Record<string, unknown>;
type Ctor = new () => object;

const AT = '2025-01-15T10:00:00.000Z';

interface TransformerStorageModule {
  defaultMetadataStorage: {
    findTypeMetadata(target: unknown, property: string): { typeFunction: () => Ctor } | undefined;
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerModule = require('class-transformer/cjs/storage') as TransformerStorageModule;
const transformerStorage = transformerModule.defaultMetadataStorage;

interface Meta {
  type: string;
  name?: string;
  propertyName: string;
  constraints: unknown[];
  each?: boolean;
}

function metadatasOf(cls: Ctor): Map<string, Meta[]> {
  const storage = getMetadataStorage();
  const select = storage.getTargetValidationMetadatas.bind(storage) as (
    t: unknown,
    s: string | undefined,
    a: boolean,
    g: boolean,
    gr: undefined,
  ) => Meta[];
  const out = new Map<string, Meta[]>();
  for (const m of select(cls, undefined, false, false, undefined)) {
    out.set(m.propertyName, [...(out.get(m.propertyName) ?? []), m]);
  }
  return out;
}

function nestedType(cls: Ctor, property: string): Ctor | undefined {
  return transformerStorage.findTypeMetadata(cls, property)?.typeFunction();
}

/** A valid payload of `cls` from its decorators: every optional field present (`full`) or none. */
function sample(cls: Ctor, full: boolean): Plain {
  const out: Plain = {};
  for (const [property, metas] of metadatasOf(cls)) {
    const optional = metas.some((m) => m.name === 'isOptional');
    if (optional && !full) continue;
    const value = sampleValue(cls, property, metas, full);
    if (value !== undefined) out[property] = value;
  }
  return out;
}

function sampleValue(cls: Ctor, property: string, metas: Meta[], full: boolean): unknown {
  const by = (name: string): Meta | undefined => metas.find((m) => m.name === name);
  const nested = metas.some((m) => m.type === ValidationTypes.NESTED_VALIDATION);
  if (nested) {
    const type = nestedType(cls, property);
    if (!type) throw new Error(`${cls.name}.${property}: ValidateNested without @Type`);
    return by('isArray') ? [sample(type, full), sample(type, !full)] : sample(type, full);
  }
  // 'contact' rather than a zone: Intl.DateTimeFormat costs ~0.4 ms a check (zones are tried as trial values).
  if (cls === CallTiming && property === 'timezone') return 'contact';
  const isArray = !!by('isArray');
  let element: unknown;
  const isIn = by('isIn');
  const lo = by('min')?.constraints[0] as number | undefined;
  const hi = by('max')?.constraints[0] as number | undefined;
  if (isIn) element = (isIn.constraints[0] as unknown[])[0];
  else if (by('isInt')) element = lo ?? (hi !== undefined ? Math.min(hi, 3) : 3);
  else if (by('isNumber')) element = lo !== undefined ? lo + (hi !== undefined && hi - lo < 0.5 ? 0 : 0.5) : 1.5;
  else if (by('isBoolean')) element = true;
  else if (by('isObject')) element = { key: 'value' };
  else if (by('isIso8601')) element = AT;
  else if (by('matches')) element = 'https://example.com/hook';
  else if (by('isLength')) element = 'x'.repeat((by('isLength')?.constraints[0] as number) || 1);
  else if (by('isString')) element = property.endsWith('_id') ? `${property}-1` : 'text';
  else throw new Error(`${cls.name}.${property}: no sample for ${metas.map((m) => m.name).join(',')}`);
  return isArray ? [element] : element;
}

/** Every value a field is tried with (JSON ones and a few only a caller in-process could pass). */
function trialValues(metas: Meta[]): unknown[] {
  const values: unknown[] = [
    null,
    undefined,
    '',
    ' ',
    'x',
    'pending',
    AT,
    '2025-01-15',
    '2025-13-45T99:00:00Z',
    'not-a-date',
    'America/New_York',
    'contact',
    'Nowhere/Zone',
    'US',
    'USA',
    'https://example.com/hook',
    'ftp://example.com',
    0,
    -0,
    1,
    -1,
    2,
    1.5,
    -0.5,
    0.001,
    1e9,
    NaN,
    Infinity,
    true,
    false,
    {},
    { a: 1 },
    { contact_id: 'c' },
    [],
    ['x'],
    [1],
    [null],
    [{}],
    [[]],
    ['mon', 'nope'],
    [300, -1],
    [1, 7],
    [0, 8],
    Array.from({ length: 21 }, () => 1),
  ];
  for (const m of metas) {
    if (m.name === 'min' || m.name === 'max') {
      const bound = m.constraints[0] as number;
      values.push(bound, bound - 1, bound + 1, bound - 0.5, bound + 0.5, bound - 0.001, [bound], [bound - 1]);
    }
    if (m.name === 'isIn')
      values.push(...(m.constraints[0] as unknown[]), 'nope', [...(m.constraints[0] as unknown[])]);
    if (m.name === 'isLength' || m.name === 'maxLength') {
      const n = (m.name === 'isLength' ? m.constraints[1] : m.constraints[0]) as number;
      values.push('y'.repeat(n), 'y'.repeat(n + 1));
    }
  }
  return values;
}

/** Paths to every field of the sample, nested objects and array elements included. */
function fieldPaths(
  cls: Ctor,
  value: Plain,
  prefix: (string | number)[] = [],
): { path: (string | number)[]; metas: Meta[] }[] {
  const out: { path: (string | number)[]; metas: Meta[] }[] = [];
  for (const [property, metas] of metadatasOf(cls)) {
    const path = [...prefix, property];
    out.push({ path, metas });
    const type = nestedType(cls, property);
    const child = value[property];
    if (!type || child === undefined) continue;
    if (Array.isArray(child)) {
      child.forEach((element, index) => {
        out.push({ path: [...path, index], metas: [] });
        out.push(...fieldPaths(type, element as Plain, [...path, index]));
      });
    } else out.push(...fieldPaths(type, child as Plain, path));
  }
  return out;
}

function setAt(root: Plain, path: (string | number)[], value: unknown, remove: boolean): Plain {
  const copy = structuredCloneLoose(root);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

/** Every object inside the sample (root first), to hang extra keys on. */
function objectPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const out: (string | number)[][] = [prefix];
  for (const [key, child] of Object.entries(value)) {
    out.push(...objectPaths(child, [...prefix, Array.isArray(value) ? Number(key) : key]));
  }
  return out;
}

/** Mutated payloads of one valid sample: each field removed, set to every trial value; extra keys everywhere. */
function mutations(cls: Ctor, valid: Plain): { label: string; raw: Plain; reservedKey: boolean }[] {
  const out: { label: string; raw: Plain; reservedKey: boolean }[] = [
    { label: 'valid', raw: valid, reservedKey: false },
  ];
  for (const { path, metas } of fieldPaths(cls, valid)) {
    out.push({ label: `${path.join('.')} removed`, raw: setAt(valid, path, undefined, true), reservedKey: false });
    for (const value of trialValues(metas)) {
      out.push({
        label: `${path.join('.')} = ${String(JSON.stringify(value))}`,
        raw: setAt(valid, path, value, false),
        reservedKey: false,
      });
    }
  }
  for (const path of objectPaths(valid)) {
    for (const [key, value] of [
      ['extra', 1],
      ['extra', { nested: [1, { deep: true }] }],
      ['then', 'x'],
    ] as const) {
      out.push({
        label: `${path.join('.')}.${key} added`,
        raw: setAt(valid, [...path, key], value, false),
        reservedKey: false,
      });
    }
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      // JSON.parse makes `__proto__` an own key, as a message from the wire would.
      const raw = JSON.parse(
        JSON.stringify(setAt(valid, [...path, 'reserved_placeholder'], { a: 1 }, false)).replace(
          '"reserved_placeholder"',
          JSON.stringify(key),
        ),
      ) as Plain;
      out.push({ label: `${path.join('.')}.${key} added`, raw, reservedKey: true });
    }
  }
  return out;
}

/** The full pass's answer: the instance or the flattened errors (no exception escapes). */
function reference(cls: Ctor, raw: Plain): { instance?: object; errors?: unknown; threw?: unknown } {
  try {
    const instance = plainToInstance(cls, structuredCloneLoose(raw), { exposeDefaultValues: true }) as object;
    const errors = validateSync(instance, { forbidUnknownValues: false });
    return errors.length ? { errors: flattenValidationErrors(errors) } : { instance };
  } catch (threw) {
    return { threw };
  }
}

/**
 * A deep copy made of this realm's objects and arrays (structuredClone's come from the host realm under
 * jest, which the fast path leaves to the full pass), keeping own `__proto__` keys and undefined values.
 */
function structuredCloneLoose<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const element of value) out.push(structuredCloneLoose(element));
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, {
      value: structuredCloneLoose((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out as T;
}

/** The first place where classes, keys or values differ (beside `toStrictEqual`'s own check), or null. */
function shapeMismatch(actual: unknown, expected: unknown, path = '(root)'): string | null {
  if (expected === null || typeof expected !== 'object') {
    return Object.is(actual, expected) ? null : `${path}: ${String(actual)} != ${String(expected)}`;
  }
  if (actual === null || typeof actual !== 'object') return `${path}: not an object`;
  if (actual.constructor !== expected.constructor)
    return `${path}: ${actual.constructor.name} != ${expected.constructor.name}`;
  const keys = Object.keys(expected);
  if (Object.keys(actual).join() !== keys.join())
    return `${path}: keys ${Object.keys(actual).join()} != ${keys.join()}`;
  for (const key of keys) {
    const inner = shapeMismatch((actual as Plain)[key], (expected as Plain)[key], `${path}.${key}`);
    if (inner) return inner;
  }
  return null;
}

interface Tally {
  cases: number;
  accepted: number;
  rejected: number;
  vouchedOut: number;
  /** Cases where the paths differ (collected, so one expect reports them all). */
  disagreements: string[];
}

/** Runs every mutation of the samples through both paths; returns how many of each kind were seen. */
function agreeOn(cls: Ctor, samples: Plain[]): Tally {
  const tally: Tally = { cases: 0, accepted: 0, rejected: 0, vouchedOut: 0, disagreements: [] };
  for (const valid of samples) {
    const ref = reference(cls, valid);
    if (!ref.instance) tally.disagreements.push(`sample not valid: ${JSON.stringify({ valid, errors: ref.errors })}`);
    for (const { label, raw, reservedKey } of mutations(cls, valid)) {
      tally.cases++;
      const expected = reference(cls, raw);
      const fast = fastValidatedInstance(cls, structuredCloneLoose(raw));
      if (fast !== undefined) {
        const mismatch = expected.instance ? shapeMismatch(fast, expected.instance) : 'the full pass rejects it';
        if (mismatch) tally.disagreements.push(`${label}: fast path accepted; ${mismatch}`);
        tally.accepted++;
      } else if (expected.instance && reservedKey) {
        tally.vouchedOut++; // a key class-transformer special-cases: left to the full pass
      } else {
        if (expected.instance) tally.disagreements.push(`${label}: fast path rejected, the full pass accepts`);
        tally.rejected++;
      }
    }
  }
  return tally;
}

const PAYLOAD_CLASS_LIST: Ctor[] = [...new Set(Object.values(PAYLOAD_CLASSES))];

describe('compiled payload checking (payload-compiler.ts) against class-transformer + class-validator', () => {
  it('compiles every payload class of PAYLOAD_CLASSES', () => {
    expect(PAYLOAD_CLASS_LIST.filter((cls) => !isFastCompilable(cls)).map((cls) => cls.name)).toEqual([]);
  });

  it.each(PAYLOAD_CLASS_LIST.map((cls) => [cls.name, cls] as const))(
    '%s: accepts and rejects exactly what the full pass does, building the same instance',
    (_name, cls) => {
      const tally = agreeOn(cls, [sample(cls, true), sample(cls, false)]);
      expect(tally.disagreements).toEqual([]);
      // The comparison means something only if both verdicts occur, and the fast path answers valid payloads itself.
      expect(tally.accepted).toBeGreaterThan(1);
      expect(tally.rejected).toBeGreaterThan(10);
      expect(tally.accepted + tally.rejected + tally.vouchedOut).toBe(tally.cases);
    },
  );

  it('answers valid payloads of every class itself (no silent fallback to the full pass)', () => {
    for (const cls of PAYLOAD_CLASS_LIST) {
      for (const full of [true, false]) {
        const instance = fastValidatedInstance(cls, sample(cls, full));
        expect({ cls: cls.name, full, fast: instance instanceof cls }).toEqual({ cls: cls.name, full, fast: true });
      }
    }
  });

  it('keeps parsePayload errors unchanged: toValidatedInstance throws what the full pass throws', () => {
    const differences: unknown[] = [];
    let compared = 0;
    for (const cls of PAYLOAD_CLASS_LIST) {
      if ((cls as { bulk?: unknown }).bulk) continue; // the bulk path has its own test below
      // One mutation of each kind per field (the agreement test above tries them all): toValidatedInstance
      // is the fast path or else the full pass, so this pins the wiring, not the semantics again.
      const kinds = / (removed|added|= null|= ""|= "x"|= -1|= \{\}|= \[\])$/;
      for (const { label, raw } of mutations(cls, sample(cls, true)).filter((m) => kinds.test(m.label))) {
        compared++;
        let expected: unknown;
        let actual: unknown;
        try {
          fullPass(cls, structuredCloneLoose(raw), 'subject');
        } catch (error) {
          expected = error;
        }
        try {
          toValidatedInstance(cls, structuredCloneLoose(raw), 'subject');
        } catch (error) {
          actual = error;
        }
        const describe = (e: unknown) =>
          e instanceof InvalidPayloadError
            ? { message: e.message, fields: e.fieldErrors }
            : e === undefined
              ? 'accepted'
              : String(e);
        const [got, want] = [describe(actual), describe(expected)];
        if (JSON.stringify(got) !== JSON.stringify(want)) differences.push({ label, got, want });
      }
    }
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(1000);
  });

  it('keeps the contacts chunk bulk path: contacts stay the plain records, the envelope is checked', () => {
    const contact = { contact_id: 'c-1', row: 1, phone: '+1', priority: 0, variables: { a: 'b' }, status: 'pending' };
    const raw = { event_id: 'e', org_id: 'o', batch_id: 'b', chunk_index: 0, chunk_count: 1, contacts: [contact] };
    const chunk = toValidatedInstance(ContactsChunkEvent, raw, 's');
    expect(chunk).toBeInstanceOf(ContactsChunkEvent);
    expect(chunk.contacts[0]).toBe(contact);
    expect(() => toValidatedInstance(ContactsChunkEvent, { ...raw, chunk_count: 0 }, 's')).toThrow(
      'invalid payload for s: chunk_count: chunk_count must not be less than 1',
    );
    expect(() => toValidatedInstance(ContactsChunkEvent, { ...raw, contacts: [{ ...contact, row: 0 }] }, 's')).toThrow(
      'invalid payload for s: contacts[0].row: row must not be less than 1',
    );
  });
});

describe('compiled payload checking at the limits', () => {
  const dial = (overrides: Plain): Plain => ({
    ...sample(PAYLOAD_CLASSES['v1.dial.requested'], true),
    ...overrides,
  });
  const DialRequestClass = PAYLOAD_CLASSES['v1.dial.requested'];

  it.each([
    [{ attempt: 1 }, true],
    [{ attempt: 0 }, false],
    [{ attempt: 1.000001 }, false],
    [{ timeout_seconds: 1 }, true],
    [{ batch_concurrency: null }, true],
    [{ batch_concurrency: 0 }, false],
    [{ not_after: undefined }, true],
    [{ calling_window: { start_hour: 0, end_hour: 24, weekdays: [1, 7], zones: ['UTC'] } }, true],
    [{ calling_window: { start_hour: -1, end_hour: 24, weekdays: [1], zones: ['UTC'] } }, false],
    [{ calling_window: { start_hour: 0, end_hour: 25, weekdays: [1], zones: ['UTC'] } }, false],
    [{ calling_window: { start_hour: 0, end_hour: 24, weekdays: [0], zones: ['UTC'] } }, false],
    [{ calling_window: { start_hour: 0, end_hour: 24, weekdays: [8], zones: ['UTC'] } }, false],
    [{ calling_window: { start_hour: 0, end_hour: 24, weekdays: [], zones: ['UTC'] } }, true],
    [{ calling_window: { start_hour: 0, end_hour: 24, weekdays: [1], zones: [] } }, false],
    [{ calling_window: { start_hour: 0, end_hour: 24, weekdays: [1], zones: [''] } }, false],
    [{ calling_window: null }, true],
    [{ calling_window: 'x' }, false],
    // class-validator's own quirk, reproduced: ValidateNested over an empty array has nothing to reject.
    [{ calling_window: [] }, true],
    [{ calling_window: [{}] }, false],
  ])('dial request %j: valid %s, as the full pass says', (overrides, valid) => {
    const raw = dial(overrides);
    expect(!!reference(DialRequestClass, raw).instance).toBe(valid);
    const fast = fastValidatedInstance(DialRequestClass, raw);
    expect(fast !== undefined).toBe(valid);
    if (valid) expect(fast).toStrictEqual(reference(DialRequestClass, raw).instance);
  });

  it.each([
    [{ start_hour: 9, end_hour: 10 }, true],
    [{ start_hour: 9, end_hour: 9 }, false],
    [{ end_hour: 9 }, false],
    [{ end_hour: 10 }, true],
    [{ start_hour: 23, end_hour: 24 }, true],
    [{ timezone: 'contact' }, true],
    [{ timezone: 'Europe/Paris' }, true],
    [{ timezone: 'Mars/Olympus' }, false],
    [{ timezone: '' }, false],
    [{ days: ['mon', 'sun'] }, true],
    [{ days: ['mon', 'xyz'] }, false],
    [{ delay_between_calls_seconds: 3600 }, true],
    [{ delay_between_calls_seconds: 3600.5 }, false],
  ])('call timing %j (custom constraints included): valid %s', (timing, valid) => {
    expect(!!reference(CallTiming, timing).instance).toBe(valid);
    expect(fastValidatedInstance(CallTiming, timing) !== undefined).toBe(valid);
  });
});

// Classes the contracts do not use today, to pin the parts of the compiler they would reach.

class Base {
  @IsString() id: string;
  @IsInt() @Min(0) count: number;
}

class Overriding extends Base {
  /** Overrides the parent's custom validations on `count` entirely (class-validator's rule). */
  @IsInt() @Max(5) override count: number;
  @IsOptional() @IsIn(['a', 'b'], { each: true }) tags?: string[];
  @ValidateIf((o: Overriding) => o.id === 'check-extra') @IsString() extra?: string;
  @IsDefined() required: unknown;
  @IsInt({ groups: ['admin'] }) grouped?: number;
  @IsInt({ always: true }) @IsOptional() always?: number;
  @ValidateNested({ each: true }) @Type(() => Base) children: Base[] = [];
}

class Transformed {
  @Transform(({ value }) => String(value).trim()) @IsString() name: string;
}

/** Built-in @Type targets: class-transformer converts primitives (new Date(v), Number(v)). */
class BuiltInTyped {
  @IsISO8601() @Type(() => Date) at: string;
  @IsOptional() @Type(() => Number) n?: number;
}

describe('compiled payload checking beyond what the contracts use', () => {
  it('agrees on inheritance with an overridden property, ValidateIf, IsDefined, groups, always, nested arrays', () => {
    // `grouped` is checked too: with no groups asked, class-validator runs grouped constraints.
    const valid = {
      id: 'x',
      count: 3,
      tags: ['a'],
      required: 0,
      grouped: 1,
      always: 1,
      children: [{ id: 'c', count: 0 }],
    };
    const cases: Plain[] = [
      valid,
      { ...valid, count: -1 },
      { ...valid, count: 6 },
      { ...valid, tags: ['c'] },
      { ...valid, tags: 'a' },
      { ...valid, id: 'check-extra' },
      { ...valid, id: 'check-extra', extra: 'e' },
      { ...valid, extra: 5 },
      { ...valid, required: undefined },
      { ...valid, required: null },
      { ...valid, grouped: 'x' },
      { ...valid, grouped: undefined },
      { ...valid, always: 'x' },
      { ...valid, children: [{ id: 'c', count: -1 }] },
      { ...valid, children: [1] },
      { ...valid, children: [undefined] },
      { ...valid, children: [[{ id: 'c', count: 1 }]] },
      { ...valid, children: [[{ id: 'c', count: -1 }]] },
      { ...valid, children: {} },
      { ...valid, children: null },
    ];
    let accepted = 0;
    for (const raw of cases) {
      const expected = reference(Overriding, raw);
      const fast = fastValidatedInstance(Overriding, structuredCloneLoose(raw));
      expect({ raw, fast: fast !== undefined }).toEqual({ raw, fast: !!expected.instance });
      if (fast) {
        accepted++;
        expect(fast).toStrictEqual(expected.instance);
      }
    }
    expect(accepted).toBeGreaterThan(3);
  });

  it('leaves a class using @Transform to the full pass, with the full pass result', () => {
    expect(isFastCompilable(Transformed)).toBe(false);
    expect(fastValidatedInstance(Transformed, { name: ' a ' })).toBeUndefined();
    expect(toValidatedInstance(Transformed, { name: ' a ' }, 's')).toStrictEqual(
      plainToInstance(Transformed, { name: ' a ' }, { exposeDefaultValues: true }),
    );
  });

  it('leaves @Type(() => Date / Number) to the full pass: the same verdict and instance as class-validator', () => {
    for (const raw of [{ at: '2025-01-15T10:00:00.000Z' }, { at: '2025-01-15T10:00:00.000Z', n: '12' }]) {
      expect(fastValidatedInstance(BuiltInTyped, raw)).toBeUndefined();
      const expected = plainToInstance(BuiltInTyped, raw, { exposeDefaultValues: true });
      const errors = validateSync(expected, { forbidUnknownValues: false });
      if (errors.length > 0) expect(() => toValidatedInstance(BuiltInTyped, raw, 's')).toThrow(InvalidPayloadError);
      else expect(toValidatedInstance(BuiltInTyped, raw, 's')).toStrictEqual(expected);
    }
  });

  it('leaves non-JSON values (dates, maps, functions, sparse arrays) to the full pass', () => {
    const cls = PAYLOAD_CLASSES['v1.org.agent_changed'];
    const valid = sample(cls, true);
    const sparse = [1, 2, 3];
    delete sparse[1];
    for (const odd of [new Date(0), new Map(), () => 1, sparse, Object.create(null)]) {
      expect(fastValidatedInstance(cls, { ...valid, config: odd })).toBeUndefined();
    }
  });
});
