import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

type Data = string | ArrayBuffer | ArrayBufferView;

const bytes = (data: Data): string | Uint8Array =>
  typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/**
 * The SHA-256 (and HMAC-SHA-256, given a secret) the SigV4 signer takes, over node:crypto alone. `@smithy/core`'s
 * `Sha256` is the same over node:crypto, but importing it brings a pure-JS fallback and the checksum module along
 * (~5 KB of the ingest, which signs its two AWS calls itself: lib/aws/sqs-send-message.ts, ssm-get-parameters.ts).
 */
export class NodeSha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: Data) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }

  update(data: Data): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    const digest = this.hash.digest();
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
  }
}
