import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BASIC_AUTH_CHALLENGE, createBasicAuthMatcher, parseBasicAuthorization } from '../../lib/security/basic-auth';
import { createSecretMatcher, timingSafeEqualStrings } from '../../lib/security/constant-time';
import { createQuerySecretMatcher } from '../../lib/security/query-secret';

function basic(userAndPassword: string): string {
  return `Basic ${Buffer.from(userAndPassword, 'utf8').toString('base64')}`;
}

describe('basic auth', () => {
  describe('parsing the Authorization header', () => {
    it('reads user and password, the password keeping any colon', () => {
      assert.deepEqual(parseBasicAuthorization(basic('signalwire:pa:ss')), { user: 'signalwire', password: 'pa:ss' });
    });

    it('accepts the scheme in any case and UTF-8 credentials', () => {
      assert.deepEqual(parseBasicAuthorization(basic('j\u00fcrgen:p\u00e4ss\u{1F511}').replace('Basic', 'bAsIc')), {
        user: 'j\u00fcrgen',
        password: 'p\u00e4ss\u{1F511}',
      });
    });

    const malformed: Array<[string | undefined, string]> = [
      [undefined, 'absent'],
      ['', 'empty'],
      ['Basic', 'scheme only'],
      ['Basic ', 'no credentials'],
      [`Bearer ${Buffer.from('u:p').toString('base64')}`, 'another scheme'],
      [basic('no-colon'), 'no colon'],
      ['Basic !!!notbase64!!!', 'not base64'],
      [`Basic${Buffer.from('u:p').toString('base64')}`, 'no space after the scheme'],
    ];
    for (const [header, why] of malformed) {
      it(`answers undefined for ${why}`, () => {
        assert.equal(parseBasicAuthorization(header), undefined);
      });
    }
  });

  describe('matching against configured credentials', () => {
    const accepted = [
      { user: 'signalwire', password: 'old-password' },
      { user: 'signalwire', password: 'new-password' },
    ];
    const matches = createBasicAuthMatcher(accepted);

    it('accepts each configured pair (rotation)', () => {
      assert.equal(matches(basic('signalwire:old-password')), true);
      assert.equal(matches(basic('signalwire:new-password')), true);
    });

    const rejected: Array<[string | undefined, string]> = [
      [undefined, 'no header'],
      [basic('signalwire:wrong'), 'a wrong password'],
      [basic('other:new-password'), 'a wrong user'],
      [basic('signalwire:new-passwor'), 'a prefix of the password'],
      [basic('signalwire:new-password '), 'the password plus a space'],
      [basic('signalwire:new-password:'), 'the password plus a colon'],
      [basic('signalwirenew:-password'), 'the colon moved'],
      [basic(':'), 'empty user and password'],
    ];
    for (const [header, why] of rejected) {
      it(`rejects ${why}`, () => {
        assert.equal(matches(header), false);
      });
    }

    it('matches nothing when no credentials are configured', () => {
      assert.equal(createBasicAuthMatcher([])(basic('signalwire:new-password')), false);
    });

    it('offers a Basic challenge for the 401', () => {
      assert.match(BASIC_AUTH_CHALLENGE, /^Basic realm="[^"]+"/);
    });
  });
});

describe('query secret', () => {
  const matches = createQuerySecretMatcher(['first-secret', 'second-secret']);

  it('accepts each configured secret (rotation)', () => {
    assert.equal(matches('first-secret'), true);
    assert.equal(matches('second-secret'), true);
  });

  for (const presented of [
    undefined,
    '',
    'first-secre',
    'first-secretx',
    'FIRST-SECRET',
    'first-secret,second-secret',
  ]) {
    it(`rejects ${JSON.stringify(presented)}`, () => {
      assert.equal(matches(presented), false);
    });
  }

  it('matches nothing when no secret is configured', () => {
    assert.equal(createQuerySecretMatcher([])(''), false);
    assert.equal(createQuerySecretMatcher([])('anything'), false);
  });
});

describe('constant-time comparison', () => {
  it('compares strings of different lengths (or byte lengths) without throwing', () => {
    assert.equal(timingSafeEqualStrings('abc', 'abcd'), false);
    assert.equal(timingSafeEqualStrings('\u00e9', 'ab'), false); // one character, two bytes
    assert.equal(timingSafeEqualStrings('', ''), true);
    assert.equal(timingSafeEqualStrings('same', 'same'), true);
  });

  it('accepts a presented secret exactly when it equals a configured one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }),
        fc.string({ unit: 'binary' }),
        (secrets, presented) => {
          assert.equal(createSecretMatcher(secrets)(presented), secrets.includes(presented));
          assert.equal(timingSafeEqualStrings(presented, secrets[0] ?? ''), presented === (secrets[0] ?? ''));
        },
      ),
    );
  });
});
