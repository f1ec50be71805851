import assert from 'node:assert/strict';
import { BlockList, isIP } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../../lib/errors';
import { parseIpAddress } from '../../lib/security/ip-address';
import { createIpAllowlist } from '../../lib/security/ip-allowlist';

describe('IP allowlist', () => {
  describe('IPv4 ranges', () => {
    const allowlist = createIpAllowlist(['10.0.0.0/8', '192.0.2.7', '198.51.100.0/31']);
    const table: Array<[ip: string, allowed: boolean]> = [
      ['10.0.0.0', true],
      ['10.255.255.255', true],
      ['9.255.255.255', false],
      ['11.0.0.0', false],
      ['192.0.2.7', true], // a bare address is a /32
      ['192.0.2.8', false],
      ['198.51.100.1', true],
      ['198.51.100.2', false],
      ['::ffff:10.1.2.3', true], // IPv4-mapped IPv6, dotted
      ['::ffff:a01:203', true], // IPv4-mapped IPv6, hex
      ['::FFFF:10.1.2.3', true],
      ['0:0:0:0:0:ffff:10.1.2.3', true],
      ['::10.1.2.3', false], // IPv4-compatible (deprecated) is not IPv4-mapped
      ['::ffff:11.1.2.3', false],
      ['64:ff9b::10.1.2.3', false], // NAT64 is another address
    ];
    for (const [ip, allowed] of table) {
      it(`${ip} -> ${allowed ? 'allowed' : 'refused'}`, () => {
        assert.equal(allowlist.matches(ip), allowed);
      });
    }
  });

  describe('IPv6 ranges', () => {
    const allowlist = createIpAllowlist(['2001:db8::/32', '::1', 'fe80::/10', '::ffff:192.0.2.0/120']);
    const table: Array<[ip: string, allowed: boolean]> = [
      ['2001:db8::1', true],
      ['2001:DB8:0:0:0:0:0:1', true], // upper case, uncompressed
      ['2001:0db8:0000:0000:0000:0000:0000:0001', true], // leading zeros
      ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', true],
      ['2001:db9::', false],
      ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', false],
      ['::1', true],
      ['0:0:0:0:0:0:0:1', true],
      ['::2', false],
      ['::', false],
      ['febf:ffff::1', true],
      ['fec0::1', false],
      ['192.0.2.200', true], // plain IPv4 inside an IPv4-mapped IPv6 range
      ['192.0.3.1', false],
    ];
    for (const [ip, allowed] of table) {
      it(`${ip} -> ${allowed ? 'allowed' : 'refused'}`, () => {
        assert.equal(allowlist.matches(ip), allowed);
      });
    }
  });

  it('ignores host bits after the prefix, as node:net does', () => {
    assert.equal(createIpAllowlist(['10.1.2.3/8']).matches('10.200.0.1'), true);
    assert.equal(createIpAllowlist(['2001:db8::1/32']).matches('2001:db8:1::'), true);
  });

  it('matches everything with /0, IPv4 and IPv6 apart; ::/0 covers IPv4 through the mapped range', () => {
    assert.equal(createIpAllowlist(['0.0.0.0/0']).matches('203.0.113.9'), true);
    assert.equal(createIpAllowlist(['0.0.0.0/0']).matches('2001:db8::1'), false);
    assert.equal(createIpAllowlist(['::/0']).matches('2001:db8::1'), true);
    assert.equal(createIpAllowlist(['::/0']).matches('203.0.113.9'), true);
  });

  it('matches nothing when empty', () => {
    assert.equal(createIpAllowlist([]).matches('10.0.0.1'), false);
  });

  const garbage = [
    '',
    ' ',
    'garbage',
    '10.0.0',
    '10.0.0.1.2',
    '256.0.0.1',
    '010.0.0.1',
    '10.0.0.-1',
    '10.0.0.1 ',
    ' 10.0.0.1',
    '10.0.0.1/8',
    '1::2::3',
    ':::',
    ':1::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    'g::1',
    'fe80::1%eth0',
    '::ffff:10.0.0.256',
    '10.0.0.1::',
    '::ffff:10.0.0',
    '[::1]',
    '１０.0.0.1',
  ];
  it('refuses every malformed source address, never throwing', () => {
    const allowlist = createIpAllowlist(['0.0.0.0/0', '::/0']);
    for (const ip of garbage) {
      assert.equal(allowlist.matches(ip), false, JSON.stringify(ip));
    }
  });

  for (const cidr of [
    '10.0.0.0/33',
    '2001:db8::/129',
    'nope',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/8/9',
    '10.0.0.0/ 8',
    '10.0.0.0/08a',
    '',
    '10.0.0/8',
    '2001:db8:::/32',
    'fe80::1%eth0/64',
  ]) {
    it(`rejects the CIDR ${JSON.stringify(cidr)} with a ConfigError naming it`, () => {
      assert.throws(
        () => createIpAllowlist(['10.0.0.0/8', cidr]),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.ok(error.message.includes(JSON.stringify(cidr)), error.message);
          return true;
        },
      );
    });
  }

  describe('agrees with node:net', () => {
    const ipv4Cidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 }));
    const ipv6Cidr = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 }));
    const address = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4().map((ipv4) => `::ffff:${ipv4}`),
    );

    it('matches exactly the addresses BlockList.check matches', () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(ipv4Cidr, ipv6Cidr), { minLength: 1, maxLength: 4 }),
          fc.array(address, { maxLength: 8 }),
          (subnets, addresses) => {
            const blockList = new BlockList();
            for (const [network, prefix] of subnets)
              blockList.addSubnet(network, prefix, isIP(network) === 4 ? 'ipv4' : 'ipv6');
            const allowlist = createIpAllowlist(subnets.map(([network, prefix]) => `${network}/${prefix}`));
            for (const ip of addresses) {
              assert.equal(allowlist.matches(ip), blockList.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6'), ip);
            }
          },
        ),
      );
    });

    it('parses a string exactly when net.isIP calls it an address (zone indexes aside)', () => {
      const ipAlphabet = fc.string({
        unit: fc.constantFrom('0', '1', '9', 'a', 'F', 'g', ':', '.', '2', '5'),
        maxLength: 20,
      });
      fc.assert(
        fc.property(fc.oneof(ipAlphabet, fc.ipV4(), fc.ipV6(), fc.ipV4Extended()), (text) => {
          assert.equal(parseIpAddress(text) !== undefined, isIP(text) !== 0, text);
        }),
        { numRuns: 2000 },
      );
    });
  });
});
