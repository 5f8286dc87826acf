import {
  arrayMaxSize,
  arrayMinSize,
  arrayNotEmpty,
  getMetadataStorage,
  isArray,
  isBoolean,
  isDefined,
  isIn,
  isInt,
  isISO8601,
  isNotEmpty,
  isNumber,
  isObject,
  isString,
  length,
  matches,
  max,
  maxLength,
  min,
  minLength,
  ValidationArguments,
  ValidationTypes,
} from 'class-validator';

/**
 * The fast path of payload parsing (issue 16): per payload class, compiled once from the decorators'
 * own metadata, a builder that reproduces `plainToInstance(cls, raw, { exposeDefaultValues: true })`
 * and a checker that reproduces `validateSync(instance, { forbidUnknownValues: false })`'s verdict,
 * without class-transformer's and class-validator's per-message metadata walks (~1 ms per contact per
 * service before).
 *
 * The fast path only ever says "valid, here is the instance" or "cannot vouch": anything it does not
 * reproduce exactly (a failed check, a key that class-transformer treats specially, a non-JSON value,
 * a decorator it does not know) sends the caller to the full class-transformer + class-validator pass,
 * which then decides and names the errors. So a payload the fast path accepts is one the full pass
 * accepts, with a deep-equal instance of the same classes; everything else gets the full pass's answer.
 *
 * Reproduced (class-transformer 0.5, class-validator 0.14, as the contracts use them):
 * - class-transformer: keys copied in `Object.keys` order, field-initializer defaults kept for absent
 *   keys, `@Type` (also its reflected array type and a type function reading its options), untyped
 *   nested objects and arrays deep-copied. Classes using `@Transform`, `@Expose`, `@Exclude`, a
 *   discriminator, or a Map/Set property are not compiled (full pass for them).
 * - class-validator: the class's metadata as `getTargetValidationMetadatas` selects it (inheritance,
 *   overridden properties, groups/always with no groups asked), conditional validators (`IsOptional`,
 *   `ValidateIf`), `IsDefined`, every custom-validation constraint (built-in ones through the exported
 *   per-value functions, others through their constraint's `validate(value, args)` exactly as
 *   class-validator calls it), `each: true`, and `ValidateNested` (arrays of, and the nested value's
 *   own class). Async constraints are skipped, as `validateSync` skips them.
 */

/** Thrown inside the fast path when it cannot reproduce the full pass; caught by `fastValidatedInstance`. */
const CANNOT_VOUCH: unique symbol = Symbol('cannot vouch');

type Constructor = new () => object;

interface TypeMetadataLike {
  target: Constructor;
  propertyName: string;
  reflectedType?: unknown;
  typeFunction?: (options: { newObject: unknown; object: Record<string, unknown>; property: string }) => unknown;
  options?: { discriminator?: unknown };
}

/** class-transformer's metadata storage (not re-exported by its index; same module instance as its cjs entry). */
interface TransformerStorage {
  _typeMetadatas: Map<unknown, Map<string, TypeMetadataLike>>;
  _transformMetadatas: Map<unknown, Map<string, unknown[]>>;
  _exposeMetadatas: Map<unknown, Map<string | undefined, unknown>>;
  _excludeMetadatas: Map<unknown, Map<string | undefined, unknown>>;
  findTypeMetadata(target: unknown, propertyName: string): TypeMetadataLike | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerStorage })
  .defaultMetadataStorage;

/** Keys class-transformer skips or treats specially on any object (`__proto__`, `constructor`, `toString`...). */
const OBJECT_PROTOTYPE_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

// ---------------------------------------------------------------------------------------------
// Builder: plainToInstance(cls, raw, { exposeDefaultValues: true })
// ---------------------------------------------------------------------------------------------

interface TypedProperty {
  meta: TypeMetadataLike;
}

interface CompiledBuilder {
  cls: Constructor;
  /** Raw keys that send the payload to the full pass (class-transformer skips or special-cases them). */
  reserved: ReadonlySet<string>;
  /** Properties with a `@Type` (own or inherited, as class-transformer's `findTypeMetadata` picks it). */
  typed: ReadonlyMap<string, TypedProperty>;
}

/** Per class, compiled on first use (weak: a class that goes away takes its compiled form with it). */
const builders = new WeakMap<object, CompiledBuilder | null>();

/** Constructors class-transformer converts to by value (String(v), new Date(v)...): not compiled. */
const BUILT_IN_TYPES: ReadonlySet<unknown> = new Set<unknown>([
  String,
  Number,
  Boolean,
  Date,
  Object,
  Array,
  Map,
  Set,
  Promise,
  Function,
  Symbol,
  BigInt,
  ...(typeof Buffer === 'undefined' ? [] : [Buffer]),
]);

function ancestorsAndSelf(cls: Constructor): unknown[] {
  const out: unknown[] = [];
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    out.push(c);
  }
  return out;
}

function builderFor(cls: unknown): CompiledBuilder | null {
  if (typeof cls !== 'function') return null;
  let compiled = builders.get(cls);
  if (compiled === undefined) {
    compiled = compileBuilder(cls);
    builders.set(cls, compiled);
  }
  return compiled;
}

/** A class that class-transformer turns into `new cls()` + copied keys with nothing we do not reproduce; else null. */
function compileBuilder(cls: unknown): CompiledBuilder | null {
  if (typeof cls !== 'function' || BUILT_IN_TYPES.has(cls) || typeof cls.prototype !== 'object') return null;
  const ctor = cls as Constructor;
  const chain = ancestorsAndSelf(ctor);
  const storage = transformerStorage;
  if (
    !(storage._typeMetadatas instanceof Map) ||
    !(storage._transformMetadatas instanceof Map) ||
    !(storage._exposeMetadatas instanceof Map) ||
    !(storage._excludeMetadatas instanceof Map)
  ) {
    return null;
  }
  for (const c of chain) {
    if (storage._transformMetadatas.get(c)?.size) return null;
    if (storage._exposeMetadatas.get(c)?.size) return null;
    if (storage._excludeMetadatas.get(c)?.size) return null;
  }
  let probe: object;
  try {
    probe = new ctor();
  } catch {
    return null;
  }
  // class-transformer skips keys whose current value on the new instance is a function: none allowed.
  for (const key of Object.getOwnPropertyNames(probe)) {
    const descriptor = Object.getOwnPropertyDescriptor(probe, key);
    if (!descriptor || !('value' in descriptor) || !descriptor.writable || typeof descriptor.value === 'function') {
      return null;
    }
  }
  const reserved = new Set(OBJECT_PROTOTYPE_KEYS);
  for (let proto: unknown = ctor.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) reserved.add(key);
  }
  const typedNames = new Set<string>();
  for (const c of chain) for (const key of storage._typeMetadatas.get(c)?.keys() ?? []) typedNames.add(key);
  const typed = new Map<string, TypedProperty>();
  for (const name of typedNames) {
    const meta = storage.findTypeMetadata(ctor, name);
    if (!meta) continue;
    if (meta.options?.discriminator) return null;
    if (!reflectedArrayTypeIsPlain(meta.reflectedType)) return null;
    typed.set(name, { meta });
  }
  return { cls: ctor, reserved, typed };
}

/**
 * For a raw array under a `@Type` property class-transformer starts from `new reflectedType()` when that
 * has `push` (else `[]`), a Set when it is one, and treats a Map-typed property as a map: only the cases
 * that end as a plain `[]` are compiled.
 */
function reflectedArrayTypeIsPlain(reflectedType: unknown): boolean {
  if (reflectedType === undefined || reflectedType === Array) return true;
  if (reflectedType === Map || reflectedType === Set || typeof reflectedType !== 'function') return false;
  try {
    const made: unknown = new (reflectedType as new () => unknown)();
    if (made instanceof Set || made instanceof Map) return false;
    return !(made !== null && typeof made === 'object' && 'push' in made);
  } catch {
    return false;
  }
}

function isPlainObject(value: object): boolean {
  return Object.getPrototypeOf(value) === Object.prototype;
}

function isPlainDenseArray(value: unknown[]): boolean {
  if (Object.getPrototypeOf(value) !== Array.prototype) return false;
  for (let i = 0; i < value.length; i++) if (!(i in value)) return false;
  return true;
}

/** `new cls()` with the raw keys copied as class-transformer copies them; throws CANNOT_VOUCH. */
function buildInstance(builder: CompiledBuilder, raw: Record<string, unknown>): Record<string, unknown> {
  const instance = new builder.cls() as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (builder.reserved.has(key)) throw CANNOT_VOUCH;
    const value = raw[key];
    if (value === undefined) {
      // exposeDefaultValues: the field initializer's value (an own property even when there is none).
      const initial = instance[key];
      instance[key] = initial;
      continue;
    }
    const typed = builder.typed.get(key);
    if (typed === undefined) {
      instance[key] = copyUntyped(value);
      continue;
    }
    const { meta } = typed;
    const type = meta.typeFunction
      ? meta.typeFunction({ newObject: instance, object: raw, property: key })
      : meta.reflectedType;
    instance[key] = buildTyped(type, value);
  }
  return instance;
}

/**
 * A value under a `@Type(() => type)` property: objects become `type` instances, arrays element-wise.
 * A built-in target type (Date, Number, String, Boolean...) is class-transformer's conversion of
 * primitives too (`new Date(v)`, `Number(v)`): never reproduced here, the full pass decides.
 */
function buildTyped(type: unknown, value: unknown): unknown {
  if (BUILT_IN_TYPES.has(type)) throw CANNOT_VOUCH;
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  if (typeof value === 'function') throw CANNOT_VOUCH;
  if (Array.isArray(value)) {
    if (!isPlainDenseArray(value)) throw CANNOT_VOUCH;
    const out: unknown[] = [];
    for (const element of value) out.push(buildTyped(type, element));
    return out;
  }
  if (!isPlainObject(value)) throw CANNOT_VOUCH;
  const builder = builderFor(type);
  if (!builder) throw CANNOT_VOUCH;
  return buildInstance(builder, value as Record<string, unknown>);
}

/** A value under a property without `@Type`: class-transformer deep-copies plain objects and arrays. */
function copyUntyped(value: unknown): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  if (typeof value === 'function') throw CANNOT_VOUCH;
  if (Array.isArray(value)) {
    if (!isPlainDenseArray(value)) throw CANNOT_VOUCH;
    const out: unknown[] = [];
    for (const element of value) out.push(copyUntyped(element));
    return out;
  }
  if (!isPlainObject(value)) throw CANNOT_VOUCH;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (OBJECT_PROTOTYPE_KEYS.has(key)) throw CANNOT_VOUCH;
    out[key] = copyUntyped(source[key]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checker: validateSync(instance, { forbidUnknownValues: false }) has no errors
// ---------------------------------------------------------------------------------------------

interface ValidationMetadataLike {
  type: string;
  name?: string;
  target: unknown;
  propertyName: string;
  constraints: unknown[];
  constraintCls: unknown;
  each?: boolean;
}

interface ConstraintMetadataLike {
  name?: string;
  async: boolean;
  instance: { validate(value: unknown, args: ValidationArguments): unknown };
}

/** One constraint of a property: `test(value, object, whole)`; `whole` is the array under `each: true`. */
interface CompiledCheck {
  each: boolean;
  test: (value: unknown, object: object, whole: unknown) => unknown;
  /** A built-in: the generated code calls `fn(value, ...args)` itself (one monomorphic call site). */
  direct?: { fn: BuiltIn['fn']; args: unknown[] };
}

/** A conditional validator; `notNullish`: it is IsOptional's (checked as `v != null` in generated code). */
interface CompiledCondition {
  fn: (object: object, value: unknown) => unknown;
  notNullish: boolean;
}

interface CompiledProperty {
  name: string;
  conditions: CompiledCondition[];
  checks: CompiledCheck[];
  nested: boolean;
}

interface CompiledChecker {
  properties: CompiledProperty[];
  /** `properties` as straight-line code for this class (see `generateCheck`). */
  check: (instance: object) => boolean;
}

/** Per class, compiled on first use (weak, as `builders`). */
const checkers = new WeakMap<object, CompiledChecker | null>();

/** A class-validator per-value function and how many of the decorator's constraints it takes after the value. */
interface BuiltIn {
  fn: (value: unknown, ...constraints: unknown[]) => boolean;
  arity: 0 | 1 | 2;
}

// class-validator's functions are read once, here: its index re-exports them through getters, which cost
// a property lookup per call if read at each check (seen in the pipeline's CPU profiles).
const builtIn = (fn: unknown, arity: 0 | 1 | 2): BuiltIn => ({ fn: fn as BuiltIn['fn'], arity });

/** class-validator's own per-value functions for its built-in decorators, by decorator name. */
const BUILT_IN_CHECKS: Readonly<Record<string, BuiltIn>> = {
  isString: builtIn(isString, 0),
  isNotEmpty: builtIn(isNotEmpty, 0),
  isDefined: builtIn(isDefined, 0),
  isInt: builtIn(isInt, 0),
  isBoolean: builtIn(isBoolean, 0),
  isObject: builtIn(isObject, 0),
  isArray: builtIn(isArray, 0),
  arrayNotEmpty: builtIn(arrayNotEmpty, 0),
  isNumber: builtIn(isNumber, 1),
  min: builtIn(min, 1),
  max: builtIn(max, 1),
  isIn: builtIn(isIn, 1),
  isIso8601: builtIn(isISO8601, 1),
  arrayMaxSize: builtIn(arrayMaxSize, 1),
  arrayMinSize: builtIn(arrayMinSize, 1),
  maxLength: builtIn(maxLength, 1),
  minLength: builtIn(minLength, 1),
  isLength: builtIn(length, 2),
  matches: builtIn(matches, 2),
};

/**
 * Values every built-in shortcut is compared on, at compile time, against the constraint's own
 * `validate`: a custom decorator that reuses a built-in name but checks something else keeps its own.
 */
const PROBES: readonly unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  'pending',
  '+12025550100',
  '2025-01-15T10:00:00.000Z',
  '2025-01-15',
  'not-a-date',
  'US',
  'https://example.com/x',
  '12',
  0,
  -0,
  1,
  -1,
  0.5,
  2,
  7,
  23,
  24,
  100,
  1024,
  1e9,
  NaN,
  Infinity,
  true,
  false,
  {},
  { a: 1 },
  [],
  ['x'],
  [1, 2],
  new Array(30).fill('a'),
];

function checkerFor(cls: unknown): CompiledChecker | null {
  if (typeof cls !== 'function') return null;
  let compiled = checkers.get(cls);
  if (compiled === undefined) {
    compiled = compileChecker(cls);
    checkers.set(cls, compiled);
  }
  return compiled;
}

/** The class's validation metadata, as the full pass selects it, turned into direct calls; null when not reproducible. */
function compileChecker(cls: unknown): CompiledChecker | null {
  if (typeof cls !== 'function') return null;
  const storage = getMetadataStorage();
  // Exactly as ValidationExecutor.execute asks for a top-level validateSync(object): no schema, no groups.
  const select = storage.getTargetValidationMetadatas.bind(storage) as (
    target: unknown,
    schema: string | undefined,
    always: boolean,
    strictGroups: boolean,
    groups: string[] | undefined,
  ) => ValidationMetadataLike[];
  const metadatas = select(cls, undefined, false, false, undefined);
  const grouped = new Map<string, ValidationMetadataLike[]>();
  for (const metadata of metadatas) {
    if (typeof metadata.target === 'string') return null; // schema-based validation: not reproduced
    const list = grouped.get(metadata.propertyName) ?? [];
    list.push(metadata);
    grouped.set(metadata.propertyName, list);
  }
  const properties: CompiledProperty[] = [];
  for (const [name, list] of grouped) {
    const property: CompiledProperty = { name, conditions: [], checks: [], nested: false };
    for (const metadata of list) {
      switch (metadata.type) {
        case ValidationTypes.CONDITIONAL_VALIDATION:
          property.conditions.push(compileCondition(metadata));
          break;
        case ValidationTypes.IS_DEFINED:
        case ValidationTypes.CUSTOM_VALIDATION: {
          const constraintsOf = storage.getTargetValidatorConstraints.bind(storage) as (
            target: unknown,
          ) => ConstraintMetadataLike[];
          const constraintMetas = constraintsOf(metadata.constraintCls);
          for (const constraint of constraintMetas) {
            if (constraint.async) continue; // validateSync ignores async validations
            property.checks.push(compileCheck(cls as Constructor, metadata, constraint));
          }
          break;
        }
        case ValidationTypes.NESTED_VALIDATION:
          property.nested = true;
          break;
        case ValidationTypes.WHITELIST:
          break;
        default:
          return null; // PROMISE_VALIDATION or anything newer
      }
    }
    properties.push(property);
  }
  return { properties, check: generateCheck(properties) };
}

/**
 * One constraint as class-validator runs it: the constraint instance's `validate(value, args)` with the
 * same arguments; for a built-in decorator whose per-value function answers like its `validate` on
 * every probe, that function called directly with the stored constraints.
 */
function compileCheck(
  cls: Constructor,
  metadata: ValidationMetadataLike,
  constraint: ConstraintMetadataLike,
): CompiledCheck {
  const instance = constraint.instance;
  const { propertyName, constraints } = metadata;
  const each = metadata.each === true;
  const generic = (value: unknown, object: object, whole: unknown): unknown => {
    const args = {
      targetName: object.constructor ? object.constructor.name : undefined,
      property: propertyName,
      object,
      value: whole,
      constraints,
    };
    const result = instance.validate(value, args as ValidationArguments);
    // A promise from a sync constraint: validateSync would not wait for it; the full pass decides.
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      throw CANNOT_VOUCH;
    }
    return result;
  };
  const known = metadata.name !== undefined ? BUILT_IN_CHECKS[metadata.name] : undefined;
  if (known && constraint.name === metadata.name) {
    const args = (constraints ?? []).slice(0, known.arity);
    while (args.length < known.arity) args.push(undefined);
    const fn = known.fn;
    const fast = (value: unknown): boolean => fn(value, ...args);
    const probeObject = Object.create(cls.prototype) as object;
    const agrees = PROBES.every((probe) => {
      try {
        return fast(probe) === !!generic(probe, probeObject, probe);
      } catch {
        return false;
      }
    });
    if (agrees) return { each, test: fast, direct: { fn, args } };
  }
  return { each, test: generic };
}

/**
 * A conditional validator (IsOptional, ValidateIf). IsOptional's condition is `object[property] != null`
 * on the object being validated, i.e. on the value the generated code already holds: when the stored
 * function answers so on every probe, the generated code tests the value itself.
 */
function compileCondition(metadata: ValidationMetadataLike): CompiledCondition {
  const fn = metadata.constraints[0] as (object: object, value: unknown) => unknown;
  if (metadata.name !== 'isOptional') return { fn, notNullish: false };
  const notNullish = PROBES.every((probe) => {
    try {
      return !!fn({ [metadata.propertyName]: probe }, probe) === (probe !== null && probe !== undefined);
    } catch {
      return false;
    }
  });
  return { fn, notNullish };
}

/**
 * The class's checks as one function of straight-line code: constant property names and one call site
 * per constraint, so each site sees one shape and one function (the pipeline mixes a dozen classes; a
 * shared loop over them made every load and call megamorphic). Semantics, in class-validator's order:
 * all conditions (IsOptional, ValidateIf) decide whether the property is checked at all; then every
 * constraint (element-wise under `each: true` on arrays); then ValidateNested. Property names only enter
 * the code through JSON.stringify; the checks themselves are passed in, never turned into source.
 */
function generateCheck(properties: CompiledProperty[]): (instance: object) => boolean {
  const fns: unknown[] = [];
  const ref = (fn: unknown): string => {
    fns.push(fn);
    return `f${fns.length - 1}`;
  };
  const body: string[] = [];
  for (const property of properties) {
    body.push(`v = o[${JSON.stringify(property.name)}];`);
    const inner: string[] = [];
    for (const check of property.checks) {
      const call = (value: string): string =>
        check.direct
          ? `${ref(check.direct.fn)}(${[value, ...check.direct.args.map(ref)].join(', ')})`
          : `${ref(check.test)}(${value}, o, v)`;
      if (check.each) {
        const onElement = call('v[i]');
        const onValue = call('v');
        inner.push(
          `if (Array.isArray(v)) { for (let i = 0; i < v.length; i++) if (!${onElement}) return false; }`,
          `else if (v instanceof Set || v instanceof Map) throw CANNOT_VOUCH;`,
          `else if (!${onValue}) return false;`,
        );
      } else {
        inner.push(`if (!${call('v')}) return false;`);
      }
    }
    if (property.nested) inner.push('if (!nestedValid(v)) return false;');
    if (property.conditions.length === 0) {
      body.push(...inner);
    } else {
      body.push('ok = true;');
      for (const condition of property.conditions) {
        body.push(
          condition.notNullish
            ? 'if (v === null || v === undefined) ok = false;'
            : `if (!${ref(condition.fn)}(o, v)) ok = false;`,
        );
      }
      body.push('if (ok) {', ...inner, '}');
    }
  }
  const source = [
    ...fns.map((_, i) => `const f${i} = fns[${i}];`),
    'return function check(o) {',
    '  let v, ok;',
    ...body.map((line) => `  ${line}`),
    '  return true;',
    '};',
  ].join('\n');
  const make = new Function('fns', 'nestedValid', 'CANNOT_VOUCH', source) as (
    fns: unknown[],
    nested: (value: unknown) => boolean,
    cannotVouch: symbol,
  ) => (instance: object) => boolean;
  return make(fns, nestedValid, CANNOT_VOUCH);
}

/** Whether the compiled checks of the instance's class all pass (validateSync would return no errors). */
function checkInstance(instance: object): boolean {
  const checker = checkerFor(instance.constructor);
  if (!checker) throw CANNOT_VOUCH;
  return checker.check(instance);
}

/** `ValidateNested`: undefined passes, arrays element by element, objects by their own class, anything else fails. */
function nestedValid(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) {
    for (const element of value) if (!nestedValid(element)) return false;
    return true;
  }
  if (value instanceof Set || value instanceof Map) throw CANNOT_VOUCH;
  if (value instanceof Object) return checkInstance(value);
  return false;
}

// ---------------------------------------------------------------------------------------------

/**
 * The validated instance of `cls` built from `raw` (a plain JSON object), or `undefined` when the fast
 * path cannot vouch for it: the payload is invalid, or uses something only the full class-transformer +
 * class-validator pass reproduces. Callers then run that full pass, which names the errors.
 * Never throws. Compiles `cls` (and nested classes) on first use.
 */
export function fastValidatedInstance<T extends object>(cls: new () => T, raw: Record<string, unknown>): T | undefined {
  const builder = builderFor(cls);
  if (!builder) return undefined;
  try {
    const instance = buildInstance(builder, raw);
    return checkInstance(instance) ? (instance as T) : undefined;
  } catch {
    // CANNOT_VOUCH, or a constraint or constructor that threw: the full pass decides (and throws the same).
    return undefined;
  }
}

/**
 * Whether the fast path reproduces `cls` (builder and checker compile, nested `@Type` classes
 * compiled on first use): for tests and the bench.
 */
export function isFastCompilable(cls: new () => object): boolean {
  return builderFor(cls) !== null && checkerFor(cls) !== null;
}
