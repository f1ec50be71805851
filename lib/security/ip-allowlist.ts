import { ConfigError } from '../errors';
import { IPV4_MAPPED_PREFIX_BITS, parseIpAddress, parseIpv4, type Ipv6Words } from './ip-address';

/** A parsed CIDR allowlist. `matches` takes the source IP API Gateway saw (`requestContext.http.sourceIp`). */
export interface IpAllowlist {
  readonly cidrs: readonly string[];
  matches(ip: string): boolean;
}

interface Subnet {
  network: Ipv6Words;
  mask: Ipv6Words;
}

/**
 * Parses the CIDRs once. IPv4 (`10.0.0.0/8`) and IPv6 (`2001:db8::/32`) ranges are both matched against IPv4,
 * IPv6 and IPv4-mapped IPv6 addresses; a bare address means a single host. Host bits after the prefix are ignored.
 *
 * @throws ConfigError naming the first invalid CIDR.
 */
export function createIpAllowlist(cidrs: readonly string[]): IpAllowlist {
  const subnets = cidrs.map(parseCidr);
  return {
    cidrs: [...cidrs],
    matches(ip) {
      const address = parseIpAddress(ip);
      if (address === undefined) return false;
      return subnets.some((subnet) => isInSubnet(address, subnet));
    },
  };
}

function parseCidr(cidr: string): Subnet {
  const text = cidr.trim();
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = parseIpAddress(addressText);
  const isIpv4 = parseIpv4(addressText) !== undefined;
  const maxPrefix = isIpv4 ? 32 : 128;
  const prefixText = slash === -1 ? String(maxPrefix) : text.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (address === undefined || !(prefix <= maxPrefix)) {
    throw new ConfigError(`invalid CIDR "${cidr}" in the IP allowlist`);
  }
  const mask = maskOf(isIpv4 ? IPV4_MAPPED_PREFIX_BITS + prefix : prefix);
  return { network: applyMask(address, mask), mask };
}

function maskOf(prefixBits: number): Ipv6Words {
  const word = (index: number): number => {
    const bits = Math.min(32, Math.max(0, prefixBits - index * 32));
    return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  };
  return [word(0), word(1), word(2), word(3)];
}

function applyMask(address: Ipv6Words, mask: Ipv6Words): Ipv6Words {
  return [
    (address[0] & mask[0]) >>> 0,
    (address[1] & mask[1]) >>> 0,
    (address[2] & mask[2]) >>> 0,
    (address[3] & mask[3]) >>> 0,
  ];
}

function isInSubnet(address: Ipv6Words, { network, mask }: Subnet): boolean {
  return (
    (address[0] & mask[0]) >>> 0 === network[0] &&
    (address[1] & mask[1]) >>> 0 === network[1] &&
    (address[2] & mask[2]) >>> 0 === network[2] &&
    (address[3] & mask[3]) >>> 0 === network[3]
  );
}
