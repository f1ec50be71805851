// Runs one recording copy in a process of its own and prints {outcome, max_rss_mb} (or {error}) on stdout: the copier's
// memory, measured apart from the emulators and the test. Argument: a JSON object {s3Endpoint, dynamodbEndpoint,
// tableName, bucket, job}. Used by test/integration/recordings-copy.test.ts.
import { lookup } from 'node:dns/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { sdkDynamoDb } from '../../lib/aws/dynamodb-sdk-sender';
import { recordingObjectsWith } from '../../lib/aws/s3';
import { copyRecording } from '../../lib/recordings/copy-recording';
import { createRecordingDownloader } from '../../lib/recordings/download';
import { createClaimStore } from '../../lib/store/claim-store';
import { createRecordingCopyStore } from '../../lib/store/recording-copy-store';
import { createDocumentClient } from '../../lib/store/table';

const input = JSON.parse(process.argv[2]!);
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const s3 = new S3Client({ endpoint: input.s3Endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
const dynamodb = new DynamoDBClient({ endpoint: input.dynamodbEndpoint, region: 'us-east-1', credentials });
const table = { client: createDocumentClient(sdkDynamoDb(dynamodb)), tableName: input.tableName, retentionDays: 90 };
try {
  const outcome = await copyRecording(input.job, {
    objects: recordingObjectsWith(s3, input.bucket),
    download: createRecordingDownloader({ headersTimeoutMs: 10_000 }),
    resolveHost: async (host) => (await lookup(host, { all: true })).map((a) => a.address),
    allowLoopback: true,
    claims: createClaimStore(table, 'COPY#'),
    leaseMs: 60_000,
    record: createRecordingCopyStore(table),
  });
  process.stdout.write(JSON.stringify({ outcome, max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
} finally {
  s3.destroy();
  dynamodb.destroy();
}
