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
  const check = (values: Slots): void => {
    for (let i = 0; i < order.length; i++) {
      // What better-sqlite3 says for a missing named parameter: a statement built wrong, not bad input.
      if (values[order[i] as number] === undefined) throw new RangeError(`missing named parameter "${names[i]}"`);
    }
  };
  return {
    run: (values) => {
      check(values);
      return call(statement, RUN, values, order) as RunResult;
    },
    get: (values) => {
      check(values);
      return call(statement, GET, values, order);
    },
  };
}

const RUN = false;
const GET = true;

/**
 * `statement.run(...)` (or `get`) with the arguments listed at the call site, each picked
 * from its slot (`v[o[i]]`, so no array of arguments is made per call). V8 makes a call to a
 * native function whose arguments it can see directly, and one with a spread (or `apply`)
 * through its generic path, some 200 ns slower: a tenth of the JavaScript of a one-row UPDATE.
 * Up to 32 arguments (a table of some twenty value columns) are listed; more spread.
 */
function call(statement: Statement, get: boolean, v: Slots, o: readonly number[]): unknown {
  // biome-ignore format: one line per count of arguments
  switch (o.length) {
    case 0: return get ? statement.get() : statement.run();
    case 1: return get ? statement.get(v[o[0] as number]) : statement.run(v[o[0] as number]);
    case 2: return get ? statement.get(v[o[0] as number], v[o[1] as number]) : statement.run(v[o[0] as number], v[o[1] as number]);
    case 3: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number]);
    case 4: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number]);
    case 5: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number]);
    case 6: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number]);
    case 7: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number]);
    case 8: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number]);
    case 9: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number]);
    case 10: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number]);
    case 11: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number]);
    case 12: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number]);
    case 13: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number]);
    case 14: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number]);
    case 15: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number]);
    case 16: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number]);
    case 17: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number]);
    case 18: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number]);
    case 19: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number]);
    case 20: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number]);
    case 21: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number]);
    case 22: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number]);
    case 23: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number]);
    case 24: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number]);
    case 25: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number]);
    case 26: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number]);
    case 27: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number], v[o[26] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number], v[o[26] as number]);
    case 28: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number], v[o[26] as number], v[o[27] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number], v[o[26] as number], v[o[27] as number]);
    case 29: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number], v[o[26] as number], v[o[27] as number], v[o[28] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number], v[o[26] as number], v[o[27] as number], v[o[28] as number]);
    case 30: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number], v[o[26] as number], v[o[27] as number], v[o[28] as number], v[o[29] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number], v[o[26] as number], v[o[27] as number], v[o[28] as number], v[o[29] as number]);
    case 31: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number], v[o[26] as number], v[o[27] as number], v[o[28] as number], v[o[29] as number], v[o[30] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number], v[o[26] as number], v[o[27] as number], v[o[28] as number], v[o[29] as number], v[o[30] as number]);
    case 32: return get ? statement.get(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number], v[o[26] as number], v[o[27] as number], v[o[28] as number], v[o[29] as number], v[o[30] as number], v[o[31] as number]) : statement.run(v[o[0] as number], v[o[1] as number], v[o[2] as number], v[o[3] as number], v[o[4] as number], v[o[5] as number], v[o[6] as number], v[o[7] as number], v[o[8] as number], v[o[9] as number], v[o[10] as number], v[o[11] as number], v[o[12] as number], v[o[13] as number], v[o[14] as number], v[o[15] as number], v[o[16] as number], v[o[17] as number], v[o[18] as number], v[o[19] as number], v[o[20] as number], v[o[21] as number], v[o[22] as number], v[o[23] as number], v[o[24] as number], v[o[25] as number], v[o[26] as number], v[o[27] as number], v[o[28] as number], v[o[29] as number], v[o[30] as number], v[o[31] as number]);
    default: {
      const a = o.map((slot) => v[slot]);
      return get ? statement.get(...a) : statement.run(...a);
    }
  }
}
