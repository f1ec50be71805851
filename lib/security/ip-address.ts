/**
 * IP address text to 128 bits (four unsigned 32-bit words). IPv4 becomes its IPv4-mapped IPv6 form `::ffff:a.b.c.d`,
 * so one comparison covers `1.2.3.4`, `::ffff:1.2.3.4` and `::ffff:102:304` alike (as node:net's BlockList does).
 * Hand-written because it runs on every webhook and BlockList.check costs several microseconds.
 */
export type Ipv6Words = readonly [number, number, number, number];

export const IPV4_MAPPED_PREFIX_BITS = 96;

/** Parses dotted-quad IPv4 (no leading zeros, as node:net.isIP) into a 32-bit unsigned number. */
export function parseIpv4(text: string): number | undefined {
  let value = 0;
  let octets = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('.', start);
    if (end === -1) end = text.length;
    const length = end - start;
    if (length < 1 || length > 3 || (length > 1 && text.charCodeAt(start) === 48)) return undefined;
    let octet = 0;
    for (let i = start; i < end; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return undefined;
      octet = octet * 10 + digit;
    }
    if (octet > 255 || ++octets > 4) return undefined;
    value = value * 256 + octet;
    start = end + 1;
  }
  return octets === 4 ? value : undefined;
}

/** Parses IPv4 or IPv6 (compressed forms, embedded IPv4 tail; no zone index) into 128 bits. */
export function parseIpAddress(text: string): Ipv6Words | undefined {
  if (!text.includes(':')) {
    const ipv4 = parseIpv4(text);
    return ipv4 === undefined ? undefined : [0, 0, 0xffff, ipv4];
  }
  const groups = parseIpv6Groups(text);
  if (groups === undefined) return undefined;
  return [
    groups[0]! * 0x10000 + groups[1]!,
    groups[2]! * 0x10000 + groups[3]!,
    groups[4]! * 0x10000 + groups[5]!,
    groups[6]! * 0x10000 + groups[7]!,
  ];
}

function parseIpv6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroupList(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? parseGroupList(halves[1]!, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  // `::` stands for at least one zero group; without it there must be exactly eight.
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** Colon-separated hex groups; the last one may be dotted IPv4 (two groups) when `mayEndWithIpv4`. */
function parseGroupList(text: string, mayEndWithIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    if (mayEndWithIpv4 && index === parts.length - 1 && part.includes('.')) {
      const ipv4 = parseIpv4(part);
      if (ipv4 === undefined) return undefined;
      groups.push(Math.floor(ipv4 / 0x10000), ipv4 % 0x10000);
    } else {
      const group = parseHexGroup(part);
      if (group === undefined) return undefined;
      groups.push(group);
    }
  }
  return groups;
}

function parseHexGroup(part: string): number | undefined {
  if (part.length < 1 || part.length > 4) return undefined;
  let value = 0;
  for (let i = 0; i < part.length; i++) {
    const code = part.charCodeAt(i);
    let digit: number;
    if (code >= 48 && code <= 57) digit = code - 48;
    else if (code >= 97 && code <= 102) digit = code - 87;
    else if (code >= 65 && code <= 70) digit = code - 55;
    else return undefined;
    value = value * 16 + digit;
  }
  return value;
}
