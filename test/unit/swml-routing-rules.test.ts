import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../lib/errors';
import { DEFAULT_ROUTING_RULES, normalizePhoneNumber, parseRoutingRules } from '../../lib/swml/routing-rules';

function assertConfigError(source: unknown, reason: RegExp): void {
  assert.throws(
    () => parseRoutingRules(source),
    (error: unknown) => error instanceof ConfigError && reason.test(error.message),
  );
}

describe('parseRoutingRules', () => {
  it('gives the defaults for absent or blank configuration', () => {
    for (const source of [undefined, null, '', '  '])
      assert.deepEqual(parseRoutingRules(source), DEFAULT_ROUTING_RULES);
  });

  it('keeps the defaults frozen all the way down', () => {
    assert.ok(Object.isFrozen(DEFAULT_ROUTING_RULES.menu.options));
    const copy = parseRoutingRules(undefined);
    copy.vipNumbers.push('+15550000000');
    assert.deepEqual(DEFAULT_ROUTING_RULES.vipNumbers, []);
  });

  it('reads JSON text, merging over the defaults and normalizing numbers', () => {
    const rules = parseRoutingRules(
      JSON.stringify({
        vipNumbers: ['+1 (555) 987-6543'],
        vipConnectTo: '+15550001111',
        menu: { options: { '1': { say: 'Sales.', connectTo: 'sip:sales@example.com' }, '*': { say: 'Bye.' } } },
        defaultConnectTo: '+15550002222',
      }),
    );
    assert.deepEqual(rules.vipNumbers, ['+15559876543']);
    assert.equal(rules.vipConnectTo, '+15550001111');
    assert.equal(rules.greeting, DEFAULT_ROUTING_RULES.greeting);
    assert.equal(rules.menu.prompt, DEFAULT_ROUTING_RULES.menu.prompt);
    assert.deepEqual(Object.keys(rules.menu.options), ['1', '*']);
    assert.equal(rules.menu.options['1']?.connectTo, 'sip:sales@example.com');
    assert.equal(rules.defaultConnectTo, '+15550002222');
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['bad JSON', '{', /routing rules: is not valid JSON/],
    ['an array', [], /must be a JSON object/],
    ['a typo in a field name', { vipNumber: ['+15550001111'] }, /unknown field vipNumber/],
    ['VIPs with nowhere to connect them', { vipNumbers: ['+15550001111'] }, /vipConnectTo is required/],
    [
      'a VIP number that is not E.164',
      { vipNumbers: ['555-1234'], vipConnectTo: '+15550001111' },
      /vipNumbers\[0\] must be an E.164 number/,
    ],
    ['a destination that is not a number', { vipConnectTo: 'call alice' }, /vipConnectTo must be an E.164 number/],
    ['an empty greeting', { greeting: '' }, /greeting has nothing to say/],
    ['a greeting of control characters', { greeting: '\u0007\n' }, /greeting has nothing to say/],
    ['an overlong greeting', { greeting: 'a'.repeat(501) }, /greeting is longer than 500/],
    ['a numeric greeting', { greeting: 5 }, /greeting must be a string/],
    ['no menu options', { menu: { options: {} } }, /at least one key/],
    ['# as a menu key', { menu: { options: { '#': { say: 'x' } } } }, /must be one of 0-9 or \*/],
    ['two digits as a menu key', { menu: { options: { '12': { say: 'x' } } } }, /must be one of 0-9 or \*/],
    ['an option doing nothing', { menu: { options: { '1': {} } } }, /menu.options.1 needs say or connectTo/],
    ['an unknown option field', { menu: { options: { '1': { sya: 'x' } } } }, /unknown field menu.options.1.sya/],
    ['a menu that is not an object', { menu: 'press 1' }, /menu must be an object/],
  ];
  for (const [name, source, reason] of invalid) {
    it(`refuses ${name} with a ConfigError`, () => assertConfigError(source, reason));
  }

  it('normalizes typed phone numbers', () => {
    assert.equal(normalizePhoneNumber('+1 (555) 987-6543'), '+15559876543');
    assert.equal(normalizePhoneNumber('+1.555.987.6543'), '+15559876543');
  });
});
