import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../lib/errors';
import {
  DEFAULT_AUTO_REPLY_TEXTS,
  autoReplyConfigFromTable,
  parseAutoReplyConfig,
  replyFor,
} from '../../lib/messages/auto-reply';

describe('auto-reply keywords', () => {
  const defaults = parseAutoReplyConfig();

  it('answers HELP, STATUS and INFO by default, HELP listing the commands', () => {
    assert.deepEqual([...defaults.replies.keys()], ['HELP', 'STATUS', 'INFO']);
    assert.match(defaults.replies.get('HELP') ?? '', /HELP, STATUS, INFO/);
    assert.equal(defaults.replies.get('STATUS'), DEFAULT_AUTO_REPLY_TEXTS.STATUS);
  });

  const table: Array<[string, string | null]> = [
    ['HELP', 'HELP'],
    ['help', 'HELP'],
    ['Help', 'HELP'],
    [' help ', 'HELP'],
    ['help  ', 'HELP'],
    ['\thelp\n', 'HELP'],
    ['HELP!', 'HELP'],
    ['status please', 'STATUS'], // the cXML fixture: the first word decides
    ['Status   please  now', 'STATUS'],
    ['¿info?', 'INFO'],
    ['ＨＥＬＰ', 'HELP'], // full-width letters, folded by NFKC
    ['H E L P', null],
    ['please help', null],
    ['helpful', null],
    ['', null],
    ['   ', null],
    ['stop', null],
    ['👋 help', null],
  ];
  for (const [body, keyword] of table) {
    it(`${JSON.stringify(body)} -> ${keyword ?? 'no reply'}`, () => {
      const reply = replyFor(body, defaults);
      assert.equal(reply?.keyword ?? null, keyword);
      if (keyword !== null) assert.equal(reply?.text, defaults.replies.get(keyword));
    });
  }

  it('ignores a body that is not a string', () => {
    assert.equal(replyFor(undefined, defaults), null);
    assert.equal(replyFor({ body: 'help' }, defaults), null);
  });

  it('merges a JSON string over the defaults; null disables a keyword; HELP lists what is enabled', () => {
    const config = parseAutoReplyConfig('{"stop":"You are unsubscribed.","INFO":null,"Ayuda":"Responda HELP."}');
    assert.deepEqual([...config.replies.keys()], ['HELP', 'STATUS', 'STOP', 'AYUDA']);
    assert.equal(replyFor('Stop', config)?.text, 'You are unsubscribed.');
    assert.equal(replyFor('info', config), null);
    assert.equal(replyFor('ayuda', config)?.keyword, 'AYUDA');
    assert.match(config.replies.get('HELP') ?? '', /HELP, STATUS, STOP, AYUDA/);
  });

  it('keeps a configured HELP text as given', () => {
    const config = autoReplyConfigFromTable({ HELP: 'Call us on 555.' });
    assert.equal(replyFor('help', config)?.text, 'Call us on 555.');
  });

  it('reads only AUTO_REPLY_KEYWORDS from an environment, never the other variables', () => {
    // given an environment with the table and unrelated variables
    const env = { AUTO_REPLY_KEYWORDS: '{"PING":"pong"}', PATH: '/usr/bin', SECRET: 'hunter2' };
    // when
    const config = parseAutoReplyConfig(env);
    // then
    assert.equal(replyFor('ping', config)?.text, 'pong');
    assert.equal(replyFor('secret', config), null);
    assert.equal(replyFor('path', config), null);
    assert.deepEqual([...parseAutoReplyConfig({ PATH: '/usr/bin' }).replies.keys()], ['HELP', 'STATUS', 'INFO']);
    assert.deepEqual(
      [...parseAutoReplyConfig({ AUTO_REPLY_KEYWORDS: ' ' }).replies.keys()],
      ['HELP', 'STATUS', 'INFO'],
    );
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['bad JSON', '{"HELP":', /AUTO_REPLY_KEYWORDS is not valid JSON/],
    ['an array', '["HELP"]', /must be a JSON object/],
    ['two words as a keyword', '{"OPT OUT":"x"}', /is not one word/],
    ['an empty text', '{"HELP":"  "}', /reply for HELP must be a non-empty string or null/],
    ['a number as text', '{"HELP":7}', /reply for HELP/],
    ['a keyword given twice', '{"help":"a","HELP":"b"}', /given twice/],
    ['a text too long', JSON.stringify({ INFO: 'x'.repeat(1601) }), /longer than 1600/],
  ];
  for (const [name, source, reason] of invalid) {
    it(`refuses ${name} with a ConfigError`, () => {
      assert.throws(
        () => parseAutoReplyConfig(source),
        (error: unknown) => error instanceof ConfigError && reason.test(error.message),
      );
    });
  }
});
