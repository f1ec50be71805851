import { isIP, type LookupFunction } from 'node:net';

/**
 * A `lookup` for node:http(s) that answers the one address an SSRF check already approved
 * (lib/security/outbound-url.ts), whatever name is asked: the connection goes where the check looked, while the Host
 * header and TLS (SNI, certificate) still use the URL's name. Resolving again could get another answer (DNS rebinding).
 */
export function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  return (_hostname, options, callback) => {
    // Node asks for every address when it may race IPv4 and IPv6 (autoSelectFamily): one, the checked one.
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}
