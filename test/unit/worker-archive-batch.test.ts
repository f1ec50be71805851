import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SQSRecord } from 'aws-lambda';
import type { ArchiveEntry } from '../../lib/archive/archive-entry';
import type { ArchiveStore } from '../../lib/archive/archive-store';
import { DependencyError, PermanentError } from '../../lib/errors';
import { createEnvelope } from '../../lib/envelope/envelope';
import { createLogger } from '../../lib/log';
import { processBatch, type BatchDeps } from '../../lib/worker/process-batch';

const log = createLogger({ test: 'archive-batch' }, 'silent');

function record(outcome: string, receiveCount = 1): { record: SQSRecord; eventId: string } {
  const envelope = createEnvelope({
    kind: 'call.status',
    route: 'POST /call-status',
    content_type: 'json',
    body: `{"outcome":"${outcome}"}`,
    payload: { outcome },
    headers: {},
  });
  const messageId = `m-${envelope.event_id}`;
  return {
    eventId: envelope.event_id,
    record: {
      messageId,
      receiptHandle: messageId,
      body: JSON.stringify(envelope),
      attributes: { ApproximateReceiveCount: String(receiveCount) },
    } as unknown as SQSRecord,
  };
}

/** The worker's ports, recording what they were asked; the archive's writes are counted per batch. */
function deps(options: { archiveFails?: boolean } = {}) {
  const writes: ArchiveEntry[][] = [];
  const archive = {
    async write(entries: ArchiveEntry[]) {
      if (options.archiveFails) throw new DependencyError('table unavailable');
      writes.push(entries);
    },
  } as unknown as ArchiveStore;
  const batchDeps: BatchDeps = {
    async apply(envelope) {
      const { outcome } = envelope.payload;
      if (outcome === 'permanent') throw new PermanentError('call status: missing call_id');
      if (outcome === 'transient') throw new DependencyError('could not store call status');
      return String(outcome);
    },
    deadLetters: { send: async () => undefined },
    failures: { record: async () => undefined, get: async () => undefined },
    maxReceiveCount: 5,
    log,
    archive,
  };
  return { batchDeps, writes };
}

describe('processBatch archives every delivery with its verdict', () => {
  it('in one write per batch: applied, late, duplicate, retrying and dead-lettered alike', async () => {
    const { batchDeps, writes } = deps();
    const batch = [
      record('advanced'),
      record('recorded-late'),
      record('duplicate'),
      record('transient'),
      record('permanent'),
    ];
    const response = await processBatch(
      batch.map((b) => b.record),
      batchDeps,
    );
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: batch[3]!.record.messageId }]);
    assert.equal(writes.length, 1, 'one archive write for the whole batch');
    const status = new Map(writes[0]!.map((entry) => [entry.event_id, entry.status]));
    assert.deepEqual(
      batch.map((b) => status.get(b.eventId)),
      ['applied', 'late', 'duplicate', 'retrying', 'dead-lettered'],
    );
    assert.match(writes[0]!.find((e) => e.status === 'dead-lettered')!.reason!, /missing call_id/);
  });

  it('never turns a failed archive write into a redelivery: the events stay applied', async () => {
    const { batchDeps } = deps({ archiveFails: true });
    const response = await processBatch([record('advanced').record, record('advanced').record], batchDeps);
    assert.deepEqual(response.batchItemFailures, []);
  });
});
