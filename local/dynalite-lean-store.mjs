// Two costs of the DynamoDB emulator (dynalite) that are not DynamoDB's, removed in its own process
// (local/emulator-main.mjs), before dynalite loads. What dynalite stores and answers is unchanged.
//
// 1. In memory, dynalite keeps its items in memory-level with the default `storeEncoding: 'buffer'`: every put turned
//    the item's JSON text into a Buffer and every get turned it back (a tenth of the emulator's CPU in a profile).
//    Stored as strings instead. The order of keys is the same: dynalite builds every key from ASCII alone (hex of the
//    key's UTF-8 bytes for strings and binaries, a lexical form for numbers, `!`/`/` separators), and for ASCII the
//    order of JS strings is the order of their bytes. A key with any other character is refused, never misordered.
// 2. Its request id is 39 bytes from crypto.randomBytes per request, a call into OpenSSL each time: taken from a pool.
//
// DYNALITE_LEAN_STORE=off leaves both as they are.
import crypto from 'node:crypto';
import { createRequire } from 'node:module';

// memory-level as dynalite itself resolves it
const require = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const ASCII = /^[\x00-\x7f]*$/;

export function installLeanStore(mode = 'on') {
  if (mode === 'off') return;
  const memoryLevel = require('memory-level');
  const { MemoryLevel } = memoryLevel;
  class StringMemoryLevel extends MemoryLevel {
    constructor(options = {}) {
      super({ storeEncoding: 'utf8', ...options });
    }
    async _put(key, value, options) {
      assertAscii(key);
      return super._put(key, value, options);
    }
    async _batch(operations, options) {
      for (const operation of operations) if (operation.type === 'put') assertAscii(operation.key);
      return super._batch(operations, options);
    }
  }
  memoryLevel.MemoryLevel = StringMemoryLevel;
  crypto.randomBytes = pooledRandomBytes(crypto.randomBytes);
}

function assertAscii(key) {
  if (!ASCII.test(key)) throw new Error(`a key that is not ASCII reached the lean store: ${JSON.stringify(key).slice(0, 80)}`);
}

function pooledRandomBytes(randomBytes) {
  const POOL = 8192;
  let pool = Buffer.alloc(0);
  let offset = 0;
  return function (size, callback) {
    if (callback !== undefined || typeof size !== 'number' || size > 256) return randomBytes.apply(crypto, arguments);
    if (offset + size > pool.length) {
      pool = crypto.randomFillSync(Buffer.allocUnsafe(POOL));
      offset = 0;
    }
    const bytes = Buffer.from(pool.subarray(offset, offset + size));
    offset += size;
    return bytes;
  };
}
