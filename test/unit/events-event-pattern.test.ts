import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventPatternError, matchesEventPattern } from '../../lib/events/event-pattern';

/**
 * EventBridge event patterns (lib/events/event-pattern.ts), held to the AWS documentation's own examples: each pattern
 * with an event it matches and one it does not. Pages: eb-create-pattern.html, eb-event-patterns-arrays.html,
 * eb-event-patterns-null-values.html and eb-create-pattern-operators.html under
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/; the refusals are Event Ruler's (github.com/aws/event-ruler,
 * JsonRuleCompiler), which EventBridge answers as InvalidEventPatternException.
 */

/** The documentation's EC2 event (eb-create-pattern.html). */
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

/** An event with `detail` and the other fields of ec2Event. */
const withDetail = (detail: Record<string, unknown>, fields: Record<string, unknown> = {}) => ({
  ...ec2Event,
  ...fields,
  detail,
});

/** Asserts `pattern` is valid, matches every event of `matching` and none of `notMatching`. */
function check(pattern: unknown, matching: Record<string, unknown>[], notMatching: Record<string, unknown>[]) {
  assert.equal(eventPatternError(pattern), undefined, JSON.stringify(pattern));
  for (const event of matching)
    assert.equal(
      matchesEventPattern(pattern, event),
      true,
      `${JSON.stringify(pattern)} should match ${JSON.stringify(event)}`,
    );
  for (const event of notMatching)
    assert.equal(
      matchesEventPattern(pattern, event),
      false,
      `${JSON.stringify(pattern)} should not match ${JSON.stringify(event)}`,
    );
}

describe('EventBridge event patterns: matching, as the AWS documentation shows it', () => {
  it('matches the fields it names, with the same nesting; ignores the others (eb-create-pattern.html)', () => {
    const pattern = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    };
    check(
      pattern,
      [ec2Event],
      [
        withDetail({ state: 'running' }),
        { ...ec2Event, source: 'aws.fargate' },
        // the field must be there, nested as in the pattern
        withDetail({ 'instance-id': 'i-1' }),
        { ...ec2Event, state: 'terminated', detail: {} },
      ],
    );
    // any value of the list: "aws.ec2" or "aws.fargate"
    check(
      { source: ['aws.ec2', 'aws.fargate'] },
      [ec2Event, { ...ec2Event, source: 'aws.fargate' }],
      [{ ...ec2Event, source: 'aws.ecs' }],
    );
  });

  it('is exact: strings case by case, numbers by value, true/false/null as themselves', () => {
    check({ detail: { state: ['Terminated'] } }, [], [ec2Event]);
    // the Macie example: numbers, nested
    check(
      { detail: { 'risk-score': [80], trigger: { risk: [8] } } },
      [
        withDetail({ 'risk-score': 80, trigger: { risk: 8 } }),
        withDetail({ 'risk-score': 8e1, trigger: { risk: 8.0 } }),
      ],
      [
        withDetail({ 'risk-score': '80', trigger: { risk: 8 } }),
        withDetail({ 'risk-score': 81, trigger: { risk: 8 } }),
      ],
    );
    check({ detail: { enabled: [true] } }, [withDetail({ enabled: true })], [withDetail({ enabled: 'true' })]);
  });

  it('an array in the event matches when it shares a value with the pattern (eb-event-patterns-arrays.html)', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    check(
      pattern,
      [
        {
          ...ec2Event,
          resources: [
            'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
            'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          ],
        },
      ],
      [
        { ...ec2Event, resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] },
        { ...ec2Event, resources: [] },
      ],
    );
    // objects in an array: the pattern's nested fields match within one element
    check(
      { detail: { automations: { id: ['a-2'] } } },
      [withDetail({ automations: [{ id: 'a-1' }, { id: 'a-2' }] })],
      [withDetail({ automations: [{ id: 'a-1' }, { key: 'a-2' }] })],
    );
  });

  it('null and the empty string are values of their own (eb-event-patterns-null-values.html)', () => {
    const event = withDetail({ eventVersion: '', responseElements: null });
    check({ detail: { eventVersion: [''] } }, [event], [withDetail({ eventVersion: null })]);
    check({ detail: { responseElements: [null] } }, [event], [withDetail({ responseElements: '' })]);
  });

  it('prefix, also ignoring case', () => {
    check({ time: [{ prefix: '2017-10-02' }] }, [{ ...ec2Event, time: '2017-10-02T18:43:48Z' }], [ec2Event]);
    check(
      { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      [
        withDetail({ service: 'EventBridge' }),
        withDetail({ service: 'eventbridge' }),
        withDetail({ service: 'EVENTB' }),
      ],
      [withDetail({ service: 'Events' }), withDetail({ service: 1 })],
    );
  });

  it('suffix, also ignoring case', () => {
    check(
      { FileName: [{ suffix: '.png' }] },
      [{ FileName: 'photo.png' }],
      [{ FileName: 'photo.PNG' }, { FileName: 'a.png.gz' }],
    );
    check(
      { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      [withDetail({ FileName: 'photo.PNG' }), withDetail({ FileName: 'photo.png' })],
      [withDetail({ FileName: 'photo.jpg' })],
    );
  });

  it('equals-ignore-case', () => {
    check({ Name: [{ 'equals-ignore-case': 'alice' }] }, [{ Name: 'Alice' }, { Name: 'ALICE' }], [{ Name: 'Alicia' }]);
  });

  it('anything-but: a string, a number, a list of either, a prefix, a suffix, ignoring case, a wildcard', () => {
    check(
      { detail: { state: [{ 'anything-but': 'initializing' }] } },
      [withDetail({ state: 'running' }), withDetail({ state: null })],
      // the field must be there: anything-but is no `exists: false`
      [withDetail({ state: 'initializing' }), withDetail({})],
    );
    check(
      { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      [withDetail({ 'x-limit': 124 })],
      [withDetail({ 'x-limit': 123 }), withDetail({ 'x-limit': 1.23e2 })],
    );
    check(
      { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      [withDetail({ state: 'running' })],
      [withDetail({ state: 'stopped' }), withDetail({ state: 'overloaded' })],
    );
    check(
      { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      [withDetail({ 'x-limit': 150 })],
      [withDetail({ 'x-limit': 200 })],
    );
    check(
      { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      [withDetail({ state: 'running' })],
      [withDetail({ state: 'initializing' })],
    );
    check(
      { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      [{ FileName: 'photo.jpg' }],
      [{ FileName: 'photo.png' }],
    );
    check(
      { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      [{ state: 'running' }],
      [{ state: 'INITIALIZING' }, { state: 'Initializing' }],
    );
    check(
      { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      [{ FilePath: '/usr/bin/node' }],
      [{ FilePath: '/usr/lib/node' }],
    );
  });

  it('numeric: ranges and equality, JSON numbers only', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    check(
      pattern,
      [withDetail({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 })],
      [
        withDetail({ 'c-count': 0, 'd-count': 3, 'x-limit': 301.8 }),
        withDetail({ 'c-count': 6, 'd-count': 3, 'x-limit': 301.8 }),
        withDetail({ 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 }),
        withDetail({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.9 }),
        withDetail({ 'c-count': '5', 'd-count': 3, 'x-limit': 301.8 }),
      ],
    );
    check({ n: [{ numeric: ['>=', -1.5] }] }, [{ n: -1.5 }, { n: 1e9 }], [{ n: -2 }, { n: null }]);
  });

  it('cidr: IPv4 and IPv6 addresses within a block', () => {
    check(
      { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      [withDetail({ sourceIPAddress: '10.0.0.33' }), withDetail({ sourceIPAddress: '10.0.0.255' })],
      [withDetail({ sourceIPAddress: '10.0.1.1' }), withDetail({ sourceIPAddress: 'ten' })],
    );
    check(
      { ip: [{ cidr: '2001:db8:1234:1a00::/64' }] },
      [{ ip: '2001:db8:1234:1a00::1' }, { ip: '2001:0db8:1234:1a00:ffff:0:0:1' }],
      [{ ip: '2001:db8:1234:1a01::1' }, { ip: '10.0.0.1' }],
    );
  });

  it('exists: on leaves only (a field holding an object does not exist for it)', () => {
    const pattern = { detail: { 'c-count': [{ exists: false }] } };
    check(
      pattern,
      [withDetail({ state: ['initializing', 'running'] }), withDetail({ state: 'running', 'c-count': { c1: 100 } })],
      [withDetail({ 'c-count': 5 }), withDetail({ 'c-count': null })],
    );
    check(
      { detail: { 'c-count': [{ exists: true }] } },
      [withDetail({ 'c-count': 5 }), withDetail({ 'c-count': null })],
      [withDetail({}), withDetail({ 'c-count': { c1: 100 } }), withDetail({ 'c-count': [] })],
    );
    // a parent that is missing altogether: its children do not exist either
    check({ detail: { a: { b: [{ exists: false }] } } }, [withDetail({})], [withDetail({ a: { b: 'x' } })]);
  });

  it('wildcard: * matches any run of characters; \\* and \\\\ are literal', () => {
    check(
      { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      [{ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/main' }],
      [{ EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/main' }, { EventBusArn: 1 }],
    );
    check({ v: [{ wildcard: 'a\\*b' }] }, [{ v: 'a*b' }], [{ v: 'axb' }]);
    check({ v: [{ wildcard: 'a\\\\b' }] }, [{ v: 'a\\b' }], [{ v: 'ab' }]);
    check({ v: [{ wildcard: 'x.*' }] }, [{ v: 'x.y' }, { v: 'x.' }], [{ v: 'xy' }]);
  });

  it('$or: any of its alternatives, at its level, alongside the other fields', () => {
    check(
      {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      [
        { source: 'aws.cloudwatch', metricName: 'ReadLatency' },
        { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
      ],
      [
        { source: 'aws.cloudwatch', metricName: 'NetworkIn', namespace: 'AWS/S3' },
        { source: 'aws.ec2', metricName: 'ReadLatency' },
      ],
    );
    check(
      {
        detail: {
          $or: [
            { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
            { 'd-count': [{ numeric: ['<', 10] }] },
            { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
          ],
        },
      },
      [withDetail({ 'c-count': 1 }), withDetail({ 'd-count': 9 }), withDetail({ 'x-limit': 301.8 })],
      [withDetail({ 'c-count': 6, 'd-count': 10, 'x-limit': 1 }), withDetail({})],
    );
  });

  it('the complex example: prefix, anything-but and numeric together', () => {
    const pattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };
    const detail = { state: 'running', 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 };
    check(
      pattern,
      [withDetail(detail, { time: '2017-10-02T16:24:49Z' })],
      [
        withDetail(detail, { time: '2017-10-03T16:24:49Z' }),
        withDetail({ ...detail, 'x-limit': 300 }, { time: '2017-10-02T16:24:49Z' }),
      ],
    );
  });

  it('matches a product event on its bus by source and detail-type (lib/events/domain-event.ts)', () => {
    const event = {
      ...ec2Event,
      source: 'signalwire.webhooks',
      'detail-type': 'Call Ended',
      detail: { id: 'evt_1', type: 'Call Ended', version: 1, subject: 'call/c-1', data: { duration: 42 } },
    };
    check(
      {
        source: ['signalwire.webhooks'],
        'detail-type': ['Call Ended'],
        detail: { data: { duration: [{ numeric: ['>', 30] }] } },
      },
      [event],
      [{ ...event, 'detail-type': 'Call State Changed' }],
    );
  });
});

describe('EventBridge event patterns: what AWS refuses (InvalidEventPatternException)', () => {
  const refusals: [unknown, string][] = [
    [[], 'Filter is not an object'],
    ['source', 'Filter is not an object'],
    [null, 'Filter is not an object'],
    [{}, 'Empty objects are not allowed'],
    [{ source: 'aws.ec2' }, '"source" must be an object or an array'],
    [{ detail: { count: 5 } }, '"count" must be an object or an array'],
    [{ source: [] }, 'Empty arrays are not allowed'],
    [{ source: [['aws.ec2']] }, 'Match value must be String, number, true, false, or null'],
    [{ detail: { state: [{ EXISTS: true }] } }, 'Unrecognized match type EXISTS'],
    [{ detail: { state: [{ regex: '^a' }] } }, 'Unrecognized match type regex'],
    [{ detail: { state: [{ prefix: 'a', suffix: 'b' }] } }, 'Only one key allowed in match expression'],
    [{ time: [{ prefix: 2017 }] }, 'prefix match pattern must be a string'],
    [{ time: [{ suffix: ['Z'] }] }, 'suffix match pattern must be a string'],
    [{ v: [{ prefix: { 'equals-ignore-case': 1 } }] }, 'equals-ignore-case match pattern must be a string'],
    [{ v: [{ 'equals-ignore-case': ['a'] }] }, 'equals-ignore-case match pattern must be a string'],
    [{ v: [{ exists: 'yes' }] }, 'exists match pattern must be either true or false.'],
    [{ n: [{ numeric: 5 }] }, 'Value of numeric must be an array.'],
    [{ n: [{ numeric: ['<', 'ten'] }] }, 'Value of < must be numeric'],
    [{ n: [{ numeric: ['>', 0, '>', 5] }] }, 'Bad numeric range operator: >'],
    [{ n: [{ numeric: ['<', 5, '>', 0] }] }, 'Too many elements in numeric expression'],
    [{ n: [{ numeric: ['>', 5, '<', 1] }] }, 'Bottom must be less than top'],
    [{ n: [{ numeric: ['~', 5] }] }, 'Unrecognized numeric range operator: ~'],
    [
      { s: [{ 'anything-but': ['stopped', 1] }] },
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [{ s: [{ 'anything-but': [null] }] }, 'Inside anything but list, start|null|boolean is not supported.'],
    [{ s: [{ 'anything-but': null }] }, 'Value of anything-but must be an array or single string/number value.'],
    [{ s: [{ 'anything-but': { prefix: '' } }] }, 'Null prefix/suffix not allowed'],
    [{ s: [{ 'anything-but': { prefix: 1 } }] }, 'prefix/suffix match pattern must be a string'],
    [{ s: [{ 'anything-but': { exists: true } }] }, 'Unsupported anything-but pattern: exists'],
    [{ s: [{ wildcard: 'a**b' }] }, 'Consecutive wildcard characters at pos 2'],
    [{ s: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 2'],
    [{ ip: [{ cidr: '10.0.0.0' }] }, "Malformed CIDR, one '/' required"],
    [{ ip: [{ cidr: '10.0.0.0/x' }] }, 'Malformed CIDR, mask bits must be an integer'],
    [{ ip: [{ cidr: 'xx.11.xx/24' }] }, 'Nonstandard IP address: xx.11.xx'],
    [{ $or: [{ a: ['1'] }] }, 'There must have at least 2 Objects in $or relationship.'],
    [{ $or: { a: ['1'] } }, 'It must be an Array followed with $or.'],
    [{ $or: [{ a: ['1'] }, 'b'] }, 'Only JSON object is allowed in array of $or relationship.'],
    [
      { $or: [{ numeric: [1] }, { prefix: ['abc'] }] },
      'numeric is Ruler reserved fieldName which cannot be used inside $or.',
    ],
  ];
  for (const [pattern, reason] of refusals) {
    it(`${JSON.stringify(pattern)}: ${reason}`, () => {
      assert.equal(eventPatternError(pattern), `Event pattern is not valid. Reason: ${reason}`);
      // a pattern AWS refuses matches nothing
      assert.equal(matchesEventPattern(pattern, { source: 'aws.ec2', detail: {} }), false);
    });
  }
});
