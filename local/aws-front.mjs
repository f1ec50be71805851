// The front of every local emulator and stand-in (local/serve-on-loopback.mjs puts one before each, always): an HTTP
// proxy that checks each request's SigV4 signature as AWS does, over the request exactly as it arrived (method, raw
// path and query, headers, body: local/signature-check.mjs), and answers the service's own refusal (403
// SignatureDoesNotMatch, or its JSON services' 400 InvalidSignatureException) when it does not match, and
// InvalidClientTokenId / UnrecognizedClientException when the access key is not one the local stack issued
// (local/local-credentials.ts); S3 requests get S3's own <Error> (SignatureDoesNotMatch, InvalidAccessKeyId,
// AccessDenied for an unsigned one). SQS messages with characters SQS refuses get its InvalidMessageContents
// (local/sqs-message-contents.mjs). Requests it accepts are
// handed to the call recorder when there is one (local/aws-call-recorder.mjs) and forwarded unchanged: same method,
// raw path, raw header lines and body bytes.
import { createServer, request } from 'node:http';
import { createCallRecorder } from './aws-call-recorder.mjs';
import { checkSignature, signatureRefusal } from './signature-check.mjs';
import { sqsContentsRefusal } from './sqs-message-contents.mjs';

// Hop-by-hop: they describe one connection, not the request, and are never part of a signature the SDK makes.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade']);

/** The local stack's one region: every endpoint it serves is that region's, as an AWS endpoint is regional. */
const LOCAL_REGION = 'us-east-1';

/**
 * `targetPort`: where the emulator listens (on loopback, given to nobody else). `service`: the SigV4 service name
 * requests to it must be signed for (sqs, dynamodb, ssm, sns, s3), in `region`. `accessKeys`: access key id -> secret, the only ones
 * accepted. `recordCallsTo`: a file to record accepted calls to. `unsigned(req)`: the stand-in's own read-back
 * requests, which are no AWS API and carry no signature (the SNS stand-in's GET /published).
 */
export function createAwsFront(
  targetPort,
  { service, region = LOCAL_REGION, accessKeys, recordCallsTo, unsigned = () => false },
) {
  const secretFor = (accessKeyId) => (Object.hasOwn(accessKeys, accessKeyId) ? accessKeys[accessKeyId] : undefined);
  const record = recordCallsTo ? createCallRecorder(recordCallsTo) : undefined;
  return createServer(async (req, res) => {
    let body;
    try {
      body = await readAll(req);
    } catch {
      return void req.socket.destroy();
    }
    if (!unsigned(req)) {
      const checked = await checkSignature(
        { method: req.method, url: req.url, headers: req.headers, body },
        secretFor,
      ).catch((error) => ({ ok: false, reason: `SignatureDoesNotMatch: ${error}` }));
      const refusal = scopeRefusal(checked, service, region);
      if (refusal !== undefined) {
        const answer = signatureRefusal(req.headers, refusal, { service, method: req.method });
        res.writeHead(answer.status, answer.headers);
        return void res.end(answer.body);
      }
      record?.(req.headers, body, { method: req.method, url: req.url });
    }
    const refused = service === 'sqs' ? sqsContentsRefusal(req.headers, body) : undefined;
    if (refused !== undefined) {
      res.writeHead(refused.status, refused.headers);
      return void res.end(refused.body);
    }
    forward(targetPort, req, body, res);
  });
}

/**
 * The refusal (a reason starting with its code, local/signature-check.mjs) for a request not signed for this endpoint:
 * a bad signature, or one scoped to another service or region, which AWS refuses with the messages below.
 */
function scopeRefusal(checked, service, region) {
  if (!checked.ok) return checked.reason;
  if (checked.service !== service)
    return `SignatureDoesNotMatch: Credential should be scoped to correct service: '${service}'.`;
  if (checked.region !== region) return `SignatureDoesNotMatch: Credential should be scoped to a valid region.`;
  return undefined;
}

function forward(targetPort, req, body, res) {
  const upstream = request(
    {
      host: '127.0.0.1',
      port: targetPort,
      method: req.method,
      path: req.url,
      headers: withoutHopByHop(req.rawHeaders),
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.rawHeaders));
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  upstream.end(body);
}

/** Raw header lines ([name, value, name, value, ...], as received) without the hop-by-hop ones. */
function withoutHopByHop(rawHeaders) {
  const kept = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!HOP_BY_HOP.has(rawHeaders[i].toLowerCase())) kept.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return kept;
}

function readAll(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
