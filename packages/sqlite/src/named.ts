/**
 * Statements written with named parameters (`@key`), bound positionally. Named parameters
 * keep each statement's SQL and the values bound to it impossible to misalign; but
 * better-sqlite3 binds a named parameter by looking its name up on an object, about 70 ns a
 * parameter, a third of a one-row UPDATE's JavaScript. So the SQL is rewritten once, at
 * prepare time, with `?` in place of each name, and each name is given a slot: a write puts
 * each value in its name's slot, and the statement picks them in its own order.
 */
import type { Database, RunResult, Statement } from 'better-sqlite3';

/** The values of one run, each in the slot of its parameter's name. */
export type Slots = readonly unknown[];

/** A prepared statement taking its parameters by name, through their slots. */
export interface NamedStatement {
  run(values: Slots): RunResult;
  get(values: Slots): unknown;
}

/**
 * The SQL with each `@name` outside quoted identifiers and string literals replaced by `?`,
 * and the names in order of appearance (a name used twice appears twice).
 */
export function positional(sql: string): { readonly text: string; readonly names: readonly string[] } {
  const names: string[] = [];
  let text = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === '"' || c === "'") {
      // A quoted identifier or literal runs to its closing quote; a doubled quote is in it.
      let end = i + 1;
      for (;;) {
        end = sql.indexOf(c, end);
        if (end === -1) throw new SyntaxError(`unterminated ${c} in ${sql}`);
        if (sql[end + 1] !== c) break;
        end += 2;
      }
      text += sql.slice(i, end + 1);
      i = end + 1;
    } else if (c === '@') {
      let end = i + 1;
      while (end < sql.length && /\w/.test(sql[end] as string)) end++;
      if (end === i + 1) throw new SyntaxError(`a parameter without a name in ${sql}`);
      names.push(sql.slice(i + 1, end));
      text += '?';
      i = end;
    } else {
      text += c;
      i++;
    }
  }
  return { text, names };
}

/**
 * Prepares `sql` (named parameters) as a positional statement. `slotOf` says where each
 * name's value sits (and throws for a name it does not know); `safeIntegers` reads integers
 * as bigints.
 */
export function prepareNamed(
  db: Database,
  sql: string,
  slotOf: (name: string) => number,
  safeIntegers = false,
): NamedStatement {
  const { text, names } = positional(sql);
  const order = names.map(slotOf);
  const statement: Statement = db.prepare(text).safeIntegers(safeIntegers);
  const pick = (values: Slots): unknown[] => {
    const out: unknown[] = new Array(order.length);
    for (let i = 0; i < order.length; i++) {
      const value = values[order[i] as number];
      // What better-sqlite3 says for a missing named parameter: a statement built wrong, not bad input.
      if (value === undefined) throw new RangeError(`missing named parameter "${names[i]}"`);
      out[i] = value;
    }
    return out;
  };
  return {
    run: (values) => call(statement, RUN, pick(values)) as RunResult,
    get: (values) => call(statement, GET, pick(values)),
  };
}

const RUN = false;
const GET = true;

/**
 * `statement.run(...args)` (or `get`) with the arguments listed at the call site. V8 makes
 * a call to a native function whose arguments it can see directly, and one with a spread (or
 * `apply`) through its generic path, some 200 ns slower: a tenth of the JavaScript of a one-row
 * UPDATE. Up to 32 arguments (a table of some twenty value columns) are listed; more spread.
 */
function call(statement: Statement, get: boolean, a: unknown[]): unknown {
  // biome-ignore format: one line per count of arguments
  switch (a.length) {
    case 0: return get ? statement.get() : statement.run();
    case 1: return get ? statement.get(a[0]) : statement.run(a[0]);
    case 2: return get ? statement.get(a[0], a[1]) : statement.run(a[0], a[1]);
    case 3: return get ? statement.get(a[0], a[1], a[2]) : statement.run(a[0], a[1], a[2]);
    case 4: return get ? statement.get(a[0], a[1], a[2], a[3]) : statement.run(a[0], a[1], a[2], a[3]);
    case 5: return get ? statement.get(a[0], a[1], a[2], a[3], a[4]) : statement.run(a[0], a[1], a[2], a[3], a[4]);
    case 6: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5]);
    case 7: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
    case 8: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    case 9: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
    case 10: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
    case 11: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
    case 12: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
    case 13: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]);
    case 14: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
    case 15: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14]);
    case 16: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
    case 17: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16]);
    case 18: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17]);
    case 19: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18]);
    case 20: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19]);
    case 21: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20]);
    case 22: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21]);
    case 23: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22]);
    case 24: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23]);
    case 25: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24]);
    case 26: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25]);
    case 27: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26]);
    case 28: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27]);
    case 29: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28]);
    case 30: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29]);
    case 31: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30]);
    case 32: return get ? statement.get(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31]) : statement.run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31]);
    default: return get ? statement.get(...a) : statement.run(...a);
  }
}
