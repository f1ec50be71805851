import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ClientBudget } from '../config/client-budget';
import type { RecordingObjects } from '../recordings/copy-recording';
import { clientSettings } from './client-settings';

/**
 * The S3 client. Deployed it uses the bucket's virtual-hosted regional endpoint, as the SDK does by default; the local
 * stack's S3 emulator needs path-style addressing (AWS_S3_FORCE_PATH_STYLE=true, set by the local stack only).
 */
export const createS3Client = (budget: ClientBudget, forcePathStyle = false) =>
  new S3Client({ ...clientSettings(budget), forcePathStyle });

/** 5 MiB parts (S3's least), two in flight: a copy holds about 15 MiB of a recording at a time, whatever its size. */
const PART_SIZE = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;

/** The recordings bucket over the SDK: HeadObject, a multipart Upload (lib-storage), and a read-back checksum. */
export function recordingObjectsWith(client: S3Client, bucket: string): RecordingObjects {
  return {
    bucket,
    async head(key) {
      try {
        const answer = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: answer.ContentLength ?? 0 };
      } catch (error) {
        if (
          (error as { name?: string }).name === 'NotFound' ||
          (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
        )
          return undefined;
        throw error;
      }
    },
    async sha256Of(key) {
      const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const hash = createHash('sha256');
      for await (const chunk of answer.Body as Readable) hash.update(chunk as Buffer);
      return hash.digest('hex');
    },
    async upload(key, body, contentType) {
      // leavePartsOnError false (the default): a failed upload is aborted, so no part of it is ever an object.
      const upload = new Upload({
        client,
        params: {
          Bucket: bucket,
          Key: key,
          Body: body,
          ...(contentType !== undefined && { ContentType: contentType }),
        },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      });
      await upload.done();
    },
  };
}
