// Copyright 2025 the ringproof authors. MIT license.
// Evaluates the solver's own formulas on concrete states, fast: a formula is
// printed by Z3 (SMT-LIB s-expression), parsed once and compiled to a
// closure; the closure then runs on many states. The agreement test uses it
// to compare the symbolic relation and invariant with the explicit model on
// every state of small domains.

/** A concrete value: an integer (Int or 32-bit word), a truth value, or an array. */
export type Value = number | boolean | ((index: number) => number);

/** Values of the free constants, by name. */
export type Env = Readonly<Record<string, Value>>;

type Sexp = string | Sexp[];

function parse(text: string): Sexp {
  const tokens = text.match(/\|[^|]*\||[()]|[^\s()|]+/g) ?? [];
  let at = 0;
  const read = (): Sexp => {
    const token = tokens[at++];
    if (token === undefined) {
      throw new SyntaxError("Cannot parse formula: unexpected end");
    }
    if (token !== "(") {
      return token.startsWith("|") ? token.slice(1, -1) : token;
    }
    const list: Sexp[] = [];
    while (tokens[at] !== ")") {
      if (at >= tokens.length) {
        throw new SyntaxError("Cannot parse formula: missing )");
      }
      list.push(read());
    }
    at++;
    return list;
  };
  return read();
}

type Compiled = (env: Env, locals: Map<string, Value>) => Value;

const TWO_32 = 2 ** 32;

function num(v: Value): number {
  if (typeof v !== "number") {
    throw new TypeError(
      `Cannot evaluate: expected a number, received ${typeof v}`,
    );
  }
  return v;
}

function bool(v: Value): boolean {
  if (typeof v !== "boolean") {
    throw new TypeError(
      `Cannot evaluate: expected a truth value, received ${typeof v}`,
    );
  }
  return v;
}

function arr(v: Value): (index: number) => number {
  if (typeof v !== "function") {
    throw new TypeError(
      `Cannot evaluate: expected an array, received ${typeof v}`,
    );
  }
  return v;
}

function mod(a: number, n: number): number {
  if (n === 0) throw new RangeError("Cannot evaluate: mod 0");
  const m = Math.abs(n);
  return ((a % m) + m) % m;
}

function literal(token: string): Value | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  if (token.startsWith("#x")) return parseInt(token.slice(2), 16);
  if (token.startsWith("#b")) return parseInt(token.slice(2), 2);
  if (token === "true") return true;
  if (token === "false") return false;
  return undefined;
}

const OPS: Record<string, (args: Value[]) => Value> = {
  "and": (a) => a.every(bool),
  "or": (a) => a.some(bool),
  "not": ([x]) => !bool(x!),
  "=>": ([x, y]) => !bool(x!) || bool(y!),
  "=": ([x, y, ...rest]) => {
    if (rest.length > 0) {
      throw new TypeError("Cannot evaluate: = with more than two arguments");
    }
    return x === y;
  },
  "distinct": ([x, y]) => x !== y,
  "+": (a) => a.map(num).reduce((s, x) => s + x, 0),
  "-": (a) => a.length === 1 ? -num(a[0]!) : a.map(num).reduce((s, x) => s - x),
  "*": (a) => a.map(num).reduce((s, x) => s * x, 1),
  "mod": ([x, n]) => mod(num(x!), num(n!)),
  "div": ([x, n]) => (num(x!) - mod(num(x!), num(n!))) / num(n!),
  "<": ([x, y]) => num(x!) < num(y!),
  "<=": ([x, y]) => num(x!) <= num(y!),
  ">": ([x, y]) => num(x!) > num(y!),
  ">=": ([x, y]) => num(x!) >= num(y!),
  "bvadd": (a) => a.map(num).reduce((s, x) => (s + x) % TWO_32, 0),
  "bvsub": ([x, y]) => mod(num(x!) - num(y!), TWO_32),
  "bvneg": ([x]) => mod(-num(x!), TWO_32),
  "bvurem": ([x, y]) => num(y!) === 0 ? num(x!) : num(x!) % num(y!),
  "bv2int": ([x]) => num(x!),
  "ubv_to_int": ([x]) => num(x!),
  "bv2nat": ([x]) => num(x!),
  "select": ([a, i]) => arr(a!)(num(i!)),
  "store": ([a, i, v]) => {
    const base = arr(a!);
    const at = num(i!);
    const value = num(v!);
    return (k: number) => k === at ? value : base(k);
  },
};

function compileSexp(e: Sexp): Compiled {
  if (typeof e === "string") {
    const value = literal(e);
    if (value !== undefined) return () => value;
    return (env, locals) => {
      const v = locals.get(e) ?? env[e];
      if (v === undefined) {
        throw new ReferenceError(`Cannot evaluate: no value for ${e}`);
      }
      return v;
    };
  }
  const [head, ...rest] = e;
  if (Array.isArray(head)) {
    // ((as const (Array Int Int)) v): the constant array.
    if (head[0] === "as" && head[1] === "const") {
      const v = compileSexp(rest[0]!);
      return (env, locals) => {
        const value = num(v(env, locals));
        return () => value;
      };
    }
    // ((_ int2bv 32) x)
    if (head[0] === "_" && head[1] === "int2bv") {
      const x = compileSexp(rest[0]!);
      return (env, locals) => mod(num(x(env, locals)), TWO_32);
    }
    throw new TypeError(
      `Cannot evaluate: unknown operator ${JSON.stringify(head)}`,
    );
  }
  if (head === "_" && typeof rest[0] === "string" && rest[0].startsWith("bv")) {
    const value = Number(rest[0].slice(2));
    return () => value;
  }
  if (head === "let") {
    const bindings = (rest[0] as Sexp[]).map((b) => {
      const [name, value] = b as [string, Sexp];
      return [name, compileSexp(value)] as const;
    });
    const body = compileSexp(rest[1]!);
    return (env, locals) => {
      const inner = new Map(locals);
      for (const [name, value] of bindings) inner.set(name, value(env, inner));
      return body(env, inner);
    };
  }
  if (head === "ite") {
    const [c, t, f] = rest.map(compileSexp) as [Compiled, Compiled, Compiled];
    return (env, locals) =>
      bool(c(env, locals)) ? t(env, locals) : f(env, locals);
  }
  const op = OPS[head as string];
  if (op === undefined) {
    throw new TypeError(`Cannot evaluate: unknown operator ${head}`);
  }
  const args = rest.map(compileSexp);
  return (env, locals) => op(args.map((a) => a(env, locals)));
}

/**
 * Compiles a formula (its SMT-LIB text, `expr.sexpr()`) to a function of the
 * free constants' values.
 */
export function compile(sexpr: string): (env: Env) => Value {
  const compiled = compileSexp(parse(sexpr));
  const none = new Map<string, Value>();
  return (env) => compiled(env, none);
}
