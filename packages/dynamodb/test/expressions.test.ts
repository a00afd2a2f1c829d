/**
 * The condition expressions themselves (no DynamoDB needed): each clause is one more for
 * DynamoDB to evaluate on every write, so none is sent that another one already implies. What
 * each expression decides is checked against DynamoDB Local by the contract suite.
 */
import type { DriverCondition } from '@ifmatch/core/driver';
import { describe, expect, it } from 'vitest';
import { ExpressionBuilder, namesCache } from '../src/expressions.js';

const condition = (c: DriverCondition) => new ExpressionBuilder().condition(c).join(' AND ');
const version = (...values: number[]) => ({
  field: 'version' as const,
  states: values.map((value) => ({ incarnation: 'Q2hU8tXa0lE', value })),
});

describe('condition expressions', () => {
  it('compares an If-Match state alone: no attribute of a missing item equals a version', () => {
    expect(condition({ anyOf: version(3) })).toBe('(#incarnation = :x1 AND #version = :x0)');
    // A write pinned to a record read (exists and one state): the same two comparisons.
    expect(condition({ exists: true, anyOf: version(3) })).toBe('(#incarnation = :x1 AND #version = :x0)');
    expect(condition({ anyOf: { field: 'hash', states: [{ incarnation: null, value: 'h' }] } })).toBe('#hash = :x0');
  });

  it('asks for the item where a state would match a missing one (version 0), or where no state is given', () => {
    expect(condition({ anyOf: version(0) })).toMatch(/^attribute_exists\(#pk\) AND /);
    expect(condition({ exists: true, anyOf: version(2, 0) })).toMatch(/^attribute_exists\(#pk\) AND /);
    expect(condition({ exists: true })).toBe('attribute_exists(#pk)');
    expect(condition({ exists: false })).toBe('attribute_not_exists(#pk)');
    expect(condition({})).toBe('');
  });

  describe('the names an expression uses, remembered by its text', () => {
    const names = { '#pk': 'id', '#version': 'rev', '#modifiedAt': 'at', '#incarnation': 'life' };

    it('gives only the names the expressions use, from all the expressions given', () => {
      const namesUsedBy = namesCache(names);
      expect(namesUsedBy('#version = :x0')).toStrictEqual({ '#version': 'rev' });
      expect(namesUsedBy('SET #modifiedAt = :x1', 'attribute_exists(#pk)')).toStrictEqual({
        '#pk': 'id',
        '#modifiedAt': 'at',
      });
    });

    it('gives every call its own copy: a request that changed its names changes no other', () => {
      const namesUsedBy = namesCache(names);
      const first = namesUsedBy('#version = :x0');
      first['#version'] = 'changed';
      expect(namesUsedBy('#version = :x0')).toStrictEqual({ '#version': 'rev' });
    });

    it('stays right past the texts it remembers', () => {
      const namesUsedBy = namesCache(names);
      for (let i = 0; i < 600; i++) {
        const text = i % 2 === 0 ? `#version IN (:x${i})` : `#incarnation = :x${i} AND #pk = :y${i}`;
        const expected = i % 2 === 0 ? { '#version': 'rev' } : { '#pk': 'id', '#incarnation': 'life' };
        expect(namesUsedBy(text)).toStrictEqual(expected);
      }
    });
  });
});
