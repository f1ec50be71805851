import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { Agent, request } from 'node:https';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createSsmParametersReader } from '../lib/aws/ssm-get-parameters';
import { errorResponse, jsonResponse } from '../lib/http/responses';
import { readIngestConfig } from '../lib/ingest/ingest-config';
import { receiveWebhook } from '../lib/ingest/receive-webhook';
import { toWebhookRequest } from '../lib/http/webhook-request';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { authenticatorFromConfig } from '../lib/security/authenticate';

const config = readIngestConfig(process.env);
const log = createLogger({ fn: 'ingest' }, config.runtime.logLevel, config.runtime);
const credentials = fromEnv();
const region = process.env.AWS_REGION!;
const signer = new SignatureV4({ credentials, region, service: 'sqs', sha256: Sha256 });
const agent = new Agent({ keepAlive: true });
async function send(body: string): Promise<void> {
  const payload = JSON.stringify({ QueueUrl: config.queueUrl, MessageBody: body });
  const signed = await signer.sign({ method: 'POST', protocol: 'https:', hostname: `sqs.${region}.amazonaws.com`, path: '/', query: {}, headers: { host: `sqs.${region}.amazonaws.com`, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' }, body: payload });
  await new Promise<void>((resolve, reject) => { const r = request({ agent, method: 'POST', host: signed.hostname, path: '/', headers: signed.headers }, (res) => { res.resume(); res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(String(res.statusCode))))); }); r.on('error', reject); r.end(payload); });
}
const metrics = createMetrics(config.runtime);
const authenticate = authenticatorFromConfig(config.auth, { log, metrics, readParameters: createSsmParametersReader({ credentials, region: async () => region }) });

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const request = toWebhookRequest(event);
  try {
    const envelope = await receiveWebhook(request, { enqueue: send, authenticate });
    return jsonResponse(200, { status: 'received', event_id: envelope.event_id });
  } catch (error) {
    return errorResponse(error, log, { route: request.routeKey, request_id: request.requestId });
  }
};
