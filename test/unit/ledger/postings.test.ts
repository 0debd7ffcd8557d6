import { describe, expect, it } from 'vitest';
import {
  assertFits,
  InvalidPostingError,
  netChanges,
  TransferTooLargeError,
  validateKey,
  validatePostings,
  type Posting,
} from '../../../functions/ledger/domain/postings.ts';
import { account } from '../../../functions/ledger/domain/accounts.ts';

const u = account.user('prn_a');
const p = account.provider('prov_1');

describe('validatePostings', () => {
  it.each<[string, Posting[], RegExp]>([
    ['zero amount', [{ from: u, to: p, amount: 0n }], /#0 is invalid: amount must be greater than zero, got 0/],
    ['negative amount', [{ from: u, to: p, amount: -5n }], /amount must be greater than zero, got -5/],
    ['from == to', [{ from: u, to: u, amount: 1n }], /from and to are the same account "user:prn_a"/],
    ['unknown from', [{ from: 'wallet:x', to: p, amount: 1n }], /unknown account "wallet:x"/],
    ['unknown to', [{ from: u, to: 'user:', amount: 1n }], /unknown account "user:"/],
    ['a float smuggled in', [{ from: u, to: p, amount: 1.5 as unknown as bigint }], /amount must be a bigint/],
    [
      'second posting bad, first fine',
      [
        { from: u, to: p, amount: 1n },
        { from: p, to: p, amount: 1n },
      ],
      /posting #1 is invalid: from and to are the same/,
    ],
    ['two faults in one posting: zero amount reported first', [{ from: u, to: u, amount: 0n }], /amount must be greater than zero/],
  ])('rejects %s', (_name, postings, message) => {
    expect(() => validatePostings(postings)).toThrow(InvalidPostingError);
    expect(() => validatePostings(postings)).toThrow(message);
  });

  it('accepts valid postings and an empty list', () => {
    expect(() =>
      validatePostings([
        { from: account.mint, to: u, amount: 1n },
        { from: u, to: account.escrow('rc_1'), amount: 1n },
      ]),
    ).not.toThrow();
    expect(() => validatePostings([])).not.toThrow();
  });
});

describe('netChanges', () => {
  it('nets postings per account and drops accounts that net to zero', () => {
    const net = netChanges([
      { from: u, to: p, amount: 4n },
      { from: u, to: account.escrow('rc_1'), amount: 6n },
      { from: p, to: account.platform, amount: 1n },
      { from: account.platform, to: u, amount: 1n },
    ]);
    expect([...net]).toEqual([
      [u, -9n],
      [p, 3n],
      [account.escrow('rc_1'), 6n],
    ]);
  });

  it('always sums to zero', () => {
    const net = netChanges([
      { from: account.mint, to: u, amount: 10n },
      { from: u, to: account.arrears('prn_a'), amount: 3n },
    ]);
    expect([...net.values()].reduce((s, v) => s + v, 0n)).toBe(0n);
  });
});

describe('validateKey', () => {
  it.each([
    ['', 'h', /1-1024 characters/],
    ['k'.repeat(1025), 'h', /1-1024 characters/],
    ['k', '', /request hash/],
  ])('rejects key %j with hash %j', (key, hash, msg) => {
    expect(() => validateKey(key, hash)).toThrow(msg);
  });
  it('accepts a scoped key', () => expect(() => validateKey('purchase:prn_x:abc-123', 'ab12')).not.toThrow());
});

describe('assertFits', () => {
  it('allows 100 items and refuses 101 with a clear error', () => {
    expect(() => assertFits(100)).not.toThrow();
    expect(() => assertFits(101)).toThrow(TransferTooLargeError);
    expect(() => assertFits(101)).toThrow('at most 100 items; this one needs 101');
  });
});
