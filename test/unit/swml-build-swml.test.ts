import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { buildSwml, buildSwmlOrSafeDefault, isVipCall } from '../../lib/swml/build-swml';
import type { SwmlCallContext } from '../../lib/swml/call-context';
import { parseRoutingRules, type RoutingRules } from '../../lib/swml/routing-rules';
import { SAFE_DEFAULT_SWML, sanitizeSayText, type SwmlDocument } from '../../lib/swml/swml-document';

const VIP = '+15559876543';
const RULES: RoutingRules = parseRoutingRules({
  vipNumbers: [VIP],
  vipConnectTo: '+15550001111',
  greeting: 'Welcome to Acme.',
  menu: {
    prompt: 'For sales press 1, for hours press 2.',
    options: { '1': { say: 'Connecting you to sales.', connectTo: '+15550002222' }, '2': { say: 'We open at nine.' } },
  },
});

function call(from: string | undefined): SwmlCallContext {
  return { callId: 'c-1', from, to: '+15551234567', direction: 'inbound' };
}

/** Every transfer/execute destination names a section of the document. */
function assertSectionsResolve(document: SwmlDocument): void {
  const text = JSON.stringify(document);
  for (const [, dest] of text.matchAll(/"dest":"([^"]+)"/g))
    assert.ok(dest && document.sections[dest], `section ${dest} exists`);
}

describe('buildSwml', () => {
  it('connects a VIP caller straight away', () => {
    // given a caller on the VIP list, when the document is built
    const document = buildSwml(call(VIP), RULES);
    // then
    assert.equal(document.version, '1.0.0');
    assert.deepEqual(document.sections.main, [
      { answer: {} },
      { play: { url: 'say:Welcome back. Connecting you now.' } },
      { connect: { to: '+15550001111' } },
      { hangup: {} },
    ]);
    assert.equal(document.sections.menu, undefined);
  });

  it('recognises a VIP however the caller id is formatted', () => {
    assert.equal(isVipCall(call('+1 555 987 6543'), RULES), true);
    assert.equal(isVipCall(call(undefined), RULES), false);
  });

  it('greets anyone else and transfers to a menu that prompts and switches on prompt_value', () => {
    const document = buildSwml(call('+15550009999'), RULES);
    assert.ok(Array.isArray(document.sections.main));
    assert.deepEqual(document.sections.main, [
      { answer: {} },
      { play: { url: 'say:Welcome to Acme.' } },
      { transfer: { dest: 'menu' } },
    ]);
    assertSectionsResolve(document);
    assert.deepEqual(document.sections.menu, [
      { prompt: { play: 'say:For sales press 1, for hours press 2.', max_digits: 1, terminators: '#' } },
      {
        switch: {
          variable: 'prompt_value',
          case: {
            '1': [
              { play: { url: 'say:Connecting you to sales.' } },
              { connect: { to: '+15550002222' } },
              { hangup: {} },
            ],
            '2': [
              { play: { url: 'say:We open at nine.' } },
              { play: { url: 'say:Thank you for calling. Goodbye.' } },
              { hangup: {} },
            ],
          },
          default: [
            { play: { url: 'say:Sorry, that is not a valid choice.' } },
            { play: { url: 'say:Thank you for calling. Goodbye.' } },
            { hangup: {} },
          ],
        },
      },
    ]);
  });

  it('connects an invalid choice to defaultConnectTo when one is configured', () => {
    const rules = parseRoutingRules({ defaultConnectTo: '+15550003333' });
    const menu = buildSwml(call(undefined), rules).sections.menu ?? [];
    const switchStep = menu[1];
    assert.ok(switchStep && 'switch' in switchStep);
    assert.deepEqual(switchStep.switch.default.slice(-2), [{ connect: { to: '+15550003333' } }, { hangup: {} }]);
  });

  it('answers a call with no caller id with the menu', () => {
    const document = buildSwml(call(undefined), parseRoutingRules(undefined));
    assert.ok(document.sections.menu);
    assertSectionsResolve(document);
  });

  it('puts only sanitized, bounded text into say:', () => {
    const rules = { ...RULES, greeting: `Hello\nthere\t\${call.from} %{secret} 👋 ${'x'.repeat(600)}` };
    const [, greeting] = buildSwml(call(undefined), rules).sections.main;
    assert.ok(greeting && 'play' in greeting);
    const url = greeting.play.url;
    assert.match(url, /^say:Hello there \$call\.from %secret 👋 x+$/);
    assert.ok(Array.from(url).length <= 'say:'.length + 500);
    assert.equal(sanitizeSayText('\u0000\u2028'), '');
  });

  it('serializes to YAML without anchors or aliases', () => {
    const yaml = stringify(buildSwml(call(undefined), RULES));
    assert.doesNotMatch(yaml, /[&*]a\d/);
  });
});

describe('buildSwmlOrSafeDefault', () => {
  it('answers with the safe default when the rules are broken', () => {
    // given routing rules that do not parse, when a call arrives, then the caller still hears something
    const document = buildSwmlOrSafeDefault(call(VIP), '{"vipNumbers": "everyone"}');
    assert.equal(document, SAFE_DEFAULT_SWML);
    assert.equal(document.version, '1.0.0');
    assert.ok(Array.isArray(document.sections.main));
    assert.deepEqual(document.sections.main.at(-1), { hangup: {} });
    assert.ok(Object.isFrozen(document.sections.main[1]));
  });

  it('builds the normal document from good raw rules', () => {
    const document = buildSwmlOrSafeDefault(
      call(VIP),
      JSON.stringify({ vipNumbers: [VIP], vipConnectTo: '+15550001111' }),
    );
    assert.deepEqual(document.sections.main[2], { connect: { to: '+15550001111' } });
  });
});
