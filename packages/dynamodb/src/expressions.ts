/**
 * Conditions as DynamoDB condition expressions. Data never enters an expression: every
 * attribute name is a `#name` placeholder and every value a `:value` placeholder.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type DriverCondition, type StateSet, statesByIncarnation } from '@ifmatch/core/driver';

/**
 * The decimals from which on the SDK reads a number as no JavaScript number: from
 * 9007199254740991.5 up (`Number` of the text passes 2^53 − 1; an integer then becomes a
 * bigint, anything else cannot be read at all), and as far down on the other side. A stored
 * time beyond them (another writer's nanoseconds, say) is no time to the store (`fromItem`),
 * so every condition must count it as missing too: compared as a number, it was ahead of
 * every writer's clock, each write's time bound failed, and core, reading no time to write
 * past, tried again until RETRIES_EXHAUSTED. Decimal text, since no double holds them: at
 * 9007199254740991 a time that reads as 9007199254740991.4 would count as missing while the
 * store reads it as a time.
 */
export const UNREADABLE_TIME: { readonly from: AttributeValue; readonly downFrom: AttributeValue } = {
  from: { N: '9007199254740991.5' },
  downFrom: { N: '-9007199254740991.5' },
};

/** A time the store cannot read (see `UNREADABLE_TIME`): `from` and `downFrom` are its placeholders. */
export function unreadableTime(name: string, from: string, downFrom: string): string {
  return `${name} >= ${from} OR ${name} <= ${downFrom}`;
}

/** More than this many values do not fit one IN (DynamoDB's limit): they are OR-ed in groups. */
const IN_LIMIT = 100;

/** Builds one expression's text and the values its placeholders stand for. */
export class ExpressionBuilder {
  readonly values: Record<string, unknown> = {};
  /** Values given as DynamoDB holds them, marshalled already (decimals no double holds). */
  private readonly exact: Record<string, AttributeValue> = {};
  private next = 0;

  /** A new placeholder for `value`. */
  value(value: unknown): string {
    const name = `:x${this.next++}`;
    this.values[name] = value;
    return name;
  }

  /** A new placeholder for an attribute value as DynamoDB holds it. */
  exactValue(value: AttributeValue): string {
    const name = `:x${this.next++}`;
    this.exact[name] = value;
    return name;
  }

  /** Every placeholder's value, marshalled (with `options`); undefined when the expression has none. */
  attributeValues(options?: { removeUndefinedValues: boolean }): Record<string, AttributeValue> | undefined {
    const values = marshall(this.values, options);
    for (const name in this.exact) values[name] = this.exact[name] as AttributeValue;
    return Object.keys(values).length === 0 ? undefined : values;
  }

  /**
   * The system attribute is missing, or of another type than the store writes (NULL, or an
   * ISO string where the time goes), or a time the store cannot read: a field the item does
   * not have, as `fromItem` reads it.
   */
  missing(name: keyof typeof SYSTEM_TYPE): string {
    const typed = `attribute_not_exists(${name}) OR NOT attribute_type(${name}, ${this.value(SYSTEM_TYPE[name])})`;
    if (name !== '#modifiedAt') return `(${typed})`;
    const from = this.exactValue(UNREADABLE_TIME.from);
    return `(${typed} OR ${unreadableTime(name, from, this.exactValue(UNREADABLE_TIME.downFrom))})`;
  }

  /** The system attribute is missing, or of the type the store writes (a version DynamoDB can add 1 to). */
  absentOrOwnType(name: keyof typeof SYSTEM_TYPE): string {
    return `(attribute_not_exists(${name}) OR attribute_type(${name}, ${this.value(SYSTEM_TYPE[name])}))`;
  }

  /** `name = value`, or `name IN (values)` split in groups that DynamoDB accepts. */
  among(name: string, values: readonly unknown[]): string {
    if (values.length === 1) return `${name} = ${this.value(values[0])}`;
    const groups: string[] = [];
    for (let start = 0; start < values.length; start += IN_LIMIT) {
      const placeholders = values.slice(start, start + IN_LIMIT).map((v) => this.value(v));
      groups.push(`${name} IN (${placeholders.join(', ')})`);
    }
    return groups.length === 1 ? (groups[0] as string) : `(${groups.join(' OR ')})`;
  }

  /**
   * In one of the states: per incarnation, the field among the values. A missing version or
   * time counts as 0; a missing incarnation equals null.
   */
  inStates(set: StateSet): string {
    const field = FIELD[set.field];
    const groups = [...statesByIncarnation(set)].map(([incarnation, values]) => {
      let among = this.among(field, values);
      if (set.field !== 'hash' && values.includes(0)) among = `(${among} OR ${this.missing(field)})`;
      if (set.field === 'hash') return among;
      const life = incarnation === null ? this.missing('#incarnation') : `#incarnation = ${this.value(incarnation)}`;
      return `(${life} AND ${among})`;
    });
    return groups.length === 1 ? (groups[0] as string) : `(${groups.join(' OR ')})`;
  }

  /** Every part of `condition`, as expressions to join with AND. */
  condition(condition: DriverCondition): string[] {
    const parts: string[] = [];
    const { anyOf } = condition;
    // "In one of the states" compares an attribute with a value, which no attribute of a
    // missing item equals: it implies that the item exists, unless a state is version or time
    // 0, which a missing attribute counts as. Each clause left out is one less for DynamoDB to
    // evaluate on every write (some 4% of an If-Match put on DynamoDB Local).
    const impliesItem = anyOf !== undefined && (anyOf.field === 'hash' || !anyOf.states.some((s) => s.value === 0));
    if ((condition.exists === true || anyOf !== undefined) && !impliesItem) parts.push('attribute_exists(#pk)');
    if (condition.exists === false) parts.push('attribute_not_exists(#pk)');
    if (anyOf) parts.push(this.inStates(anyOf));
    if (condition.noneOf) {
      // A record without a hash is in no state and out of none: its content hash is unknown here.
      const known = condition.noneOf.field === 'hash' ? `NOT ${this.missing('#hash')} AND ` : '';
      parts.push(`(attribute_not_exists(#pk) OR (${known}NOT ${this.inStates(condition.noneOf)}))`);
    }
    if (condition.modifiedAtMost !== undefined) {
      parts.push(`(${this.missing('#modifiedAt')} OR #modifiedAt <= ${this.value(condition.modifiedAtMost)})`);
    }
    return parts;
  }
}

const FIELD = { version: '#version', modifiedAt: '#modifiedAt', hash: '#hash' } as const;

/** The type of each system attribute as the store writes it. */
const SYSTEM_TYPE = { '#version': 'N', '#modifiedAt': 'N', '#incarnation': 'S', '#hash': 'S' } as const;

/** How many expression texts `namesCache` remembers before it starts afresh. */
const CACHED_TEXTS = 256;

/**
 * `usedNames` for one store's names, remembered by the expression's text: a store writes few
 * shapes of expression (the placeholders are numbered in order, so a shape is one text), and
 * scanning the text on every write was a tenth of a write's own work. Each call gets its own
 * copy, so nothing a request does to it reaches the next.
 */
export function namesCache(names: Record<string, string>): (...expressions: string[]) => Record<string, string> {
  const cache = new Map<string, Record<string, string>>();
  return (...expressions) => {
    const text = expressions.length === 1 ? (expressions[0] as string) : expressions.join(' ');
    let used = cache.get(text);
    if (used === undefined) {
      if (cache.size >= CACHED_TEXTS) cache.clear();
      used = usedNames([text], names);
      cache.set(text, used);
    }
    return { ...used };
  };
}

/** DynamoDB refuses names the expressions do not use: keep only those that appear. */
export function usedNames(
  expressions: readonly (string | undefined)[],
  names: Record<string, string>,
): Record<string, string> {
  const used = new Set(expressions.join(' ').match(/#[A-Za-z]+/g));
  return Object.fromEntries(Object.entries(names).filter(([placeholder]) => used.has(placeholder)));
}
