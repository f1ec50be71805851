// `--import` preload of a packaged handler's process (test/template/aws-front/run-packaged-handler.ts), never of the
// test's own: every `*.amazonaws.com` name resolves to the local HTTPS front, whose loopback address is this module's
// `?front=` query (the process environment stays exactly the function's). Any other name except localhost does not
// resolve at all (ENOTFOUND), so nothing the bundle does can leave the machine.
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';

const front = new URL(import.meta.url).searchParams.get('front');
if (!front) throw new Error('resolve-aws-to-front.mjs: import it with ?front=<loopback address>');

/** The one address a name resolves to here, or undefined: not found. */
function addressOf(hostname) {
  const name = String(hostname).toLowerCase().replace(/\.$/, '');
  if (name === 'amazonaws.com' || name.endsWith('.amazonaws.com')) return front;
  if (name === 'localhost') return '127.0.0.1';
  return undefined;
}

const notFound = (hostname) =>
  Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: 'ENOTFOUND',
    errno: -3008,
    syscall: 'getaddrinfo',
    hostname,
  });

const originalLookup = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  const all = typeof options === 'object' && options !== null && options.all === true;
  // A literal IP address is its own answer, as getaddrinfo gives it.
  if (/^[\d.]+$/.test(hostname) || String(hostname).includes(':'))
    return originalLookup.call(dns, hostname, options, callback);
  const address = addressOf(hostname);
  process.nextTick(() => {
    if (address === undefined) done(notFound(hostname));
    else if (all) done(null, [{ address, family: 4 }]);
    else done(null, address, 4);
  });
  return {};
};

const originalPromisesLookup = dns.promises.lookup;
dns.promises.lookup = async function lookup(hostname, options) {
  if (/^[\d.]+$/.test(hostname) || String(hostname).includes(':'))
    return originalPromisesLookup.call(dns.promises, hostname, options);
  const address = addressOf(hostname);
  if (address === undefined) throw notFound(hostname);
  return typeof options === 'object' && options !== null && options.all === true
    ? [{ address, family: 4 }]
    : { address, family: 4 };
};

// `import { lookup } from 'node:dns'` in a bundle sees the wrapped functions too.
syncBuiltinESMExports();
