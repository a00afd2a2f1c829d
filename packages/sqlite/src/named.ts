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
    run: (values) => statement.run(...pick(values)),
    get: (values) => statement.get(...pick(values)),
  };
}
