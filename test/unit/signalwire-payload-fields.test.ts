import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  quoteForReason,
  readOptionalCount,
  readOptionalErrorCode,
  readOptionalNonBlank,
  readRequiredString,
} from '../../lib/signalwire/payload-fields';
import { assertPermanent } from '../helpers/assertions';

describe('payload field readers', () => {
  it('reads required strings, unicode included, and names what is wrong', () => {
    assert.equal(readRequiredString({ id: 'ид-😀' }, 'id', 'ctx', 'id'), 'ид-😀');
    assertPermanent(() => readRequiredString({}, 'id', 'ctx', 'id'), /^ctx: missing id$/);
    assertPermanent(() => readRequiredString({ id: null }, 'id', 'ctx', 'id'), /^ctx: missing id$/);
    assertPermanent(() => readRequiredString({ id: ['a'] }, 'id', 'ctx', 'id'), /^ctx: id is not a string$/);
    assertPermanent(() => readRequiredString({ id: 'x'.repeat(257) }, 'id', 'ctx', 'id'), /^ctx: id is too long$/);
    assert.equal(readRequiredString({ id: 'x'.repeat(256) }, 'id', 'ctx', 'id').length, 256);
  });

  it('treats blank optional strings as absent', () => {
    assert.equal(readOptionalNonBlank({ From: '' }, 'From', 'ctx', 'from'), undefined);
    assert.equal(readOptionalNonBlank({ From: '+1' }, 'From', 'ctx', 'from'), '+1');
  });

  it('reads counts from numbers and form strings only', () => {
    assert.equal(readOptionalCount({ n: 3 }, 'n', 'ctx', 'n', 10), 3);
    assert.equal(readOptionalCount({ n: '3' }, 'n', 'ctx', 'n', 10), 3);
    assert.equal(readOptionalCount({}, 'n', 'ctx', 'n', 10), undefined);
    for (const bad of [1.5, -1, '3a', '0x3', true, {}])
      assertPermanent(() => readOptionalCount({ n: bad }, 'n', 'ctx', 'n', 10), /n is not a count/);
    assertPermanent(() => readOptionalCount({ n: 11 }, 'n', 'ctx', 'n', 10), /n is too large/);
  });

  it('reads error codes as strings', () => {
    assert.equal(readOptionalErrorCode({ e: 30003 }, 'e', 'ctx'), '30003');
    assert.equal(readOptionalErrorCode({ e: '30003' }, 'e', 'ctx'), '30003');
    assert.equal(readOptionalErrorCode({ e: null }, 'e', 'ctx'), undefined);
    assertPermanent(() => readOptionalErrorCode({ e: 1.5 }, 'e', 'ctx'), /error code/);
  });

  it('quotes values in reasons bounded and escaped', () => {
    assert.equal(quoteForReason('a"b\n'), '"a\\"b\\n"');
    assert.equal(quoteForReason('x'.repeat(100)).length, 42);
    assert.equal(quoteForReason(5), '"number"');
  });
});
