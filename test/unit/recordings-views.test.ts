import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lifetime, linkSeconds, readableRecording } from '../../cli/commands/recordings';
import { readableRoom } from '../../cli/commands/rooms';
import { recordingCopyCells, roomDetail } from '../../console/views/room';
import { videoNotification } from '../../lib/notifications/video-notifications';
import { copyLocationIn } from '../../lib/recordings/recording-key';
import type { RoomRecording, RoomSession } from '../../lib/video/room-session';

const SHA = `${'a'.repeat(56)}0123abcd`;
const NOT_COPIED = { s3_bucket: null, s3_key: null, size: null, sha256: null, copied_at: null };
const copied: RoomRecording = {
  id: 'rec-1',
  url: 'https://space.signalwire.com/rec-1.mp4',
  duration_seconds: 57,
  state: 'completed',
  started_at: '2026-01-01T00:00:00.000Z',
  completed_at: '2026-01-01T00:01:00.000Z',
  s3_bucket: 'stage-recordings',
  s3_key: 'recordings/rs-1/rec-1.mp4',
  size: 52_428_800,
  sha256: SHA,
  copied_at: '2026-01-01T00:01:09.000Z',
};
const copying: RoomRecording = { ...copied, id: 'rec-2', url: 'https://space.signalwire.com/rec-2.mp4', ...NOT_COPIED };
const started: RoomRecording = { ...copying, id: 'rec-3', url: null, state: 'started', completed_at: null };
const room: RoomSession = {
  room_session_id: 'rs-1',
  room_id: 'r-1',
  room_name: 'town-hall',
  started_at: '2026-01-01T00:00:00.000Z',
  ended_at: null,
  member_count: 0,
  members: [],
  recordings: [copied, copying, started],
  first_seen_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:01:09.000Z',
};

describe('recordings copied to the bucket, as operators see them', () => {
  it('`rooms show` (readable) nests each copy: s3://bucket/key, size, sha256, copy time; or why there is none', () => {
    const readable = readableRoom(room);
    assert.deepEqual(readable.recordings[0], {
      id: 'rec-1',
      url: 'https://space.signalwire.com/rec-1.mp4',
      duration_seconds: 57,
      state: 'completed',
      started_at: '2026-01-01T00:00:00.000Z',
      completed_at: '2026-01-01T00:01:00.000Z',
      copy: {
        s3: 's3://stage-recordings/recordings/rs-1/rec-1.mp4',
        size: '52428800 bytes (52.4 MB)',
        sha256: SHA,
        copied_at: '2026-01-01T00:01:09.000Z',
      },
    });
    assert.equal(readable.recordings[1]!.copy, 'not copied yet');
    assert.equal(readable.recordings[2]!.copy, 'none: the recording has not completed');
    assert.equal(
      readableRoom({ ...room, recordings: [{ ...copying, url: null }] }).recordings[0]!.copy,
      'none: the completion carried no recording URL',
    );
    // --json is the record itself: the five fields, null until copied.
    assert.deepEqual(Object.keys(room.recordings[1]!).slice(-5), [
      's3_bucket',
      's3_key',
      'size',
      'sha256',
      'copied_at',
    ]);
  });

  it('`recordings get` (readable) spells out the size and how long the URL stays valid', () => {
    const now = Date.parse('2026-01-01T00:00:00.000Z');
    const link = {
      recording_id: 'rec-1',
      room_session_id: 'rs-1',
      s3_key: 'recordings/rs-1/rec-1.mp4',
      size: 52_428_800,
      sha256: SHA,
      url: 'https://stage-recordings.s3.us-east-1.amazonaws.com/recordings/rs-1/rec-1.mp4?X-Amz-Expires=900',
      expires_at: '2026-01-01T00:15:00.000Z',
    };
    assert.deepEqual(readableRecording(link, now), {
      ...link,
      size: '52428800 bytes (52.4 MB)',
      valid_for: '15 min',
    });
    const { url: _url, expires_at: _expires, ...copy } = link;
    assert.deepEqual(readableRecording({ ...copy, file: '/tmp/rec-1.mp4' }, now), {
      ...copy,
      file: '/tmp/rec-1.mp4',
      size: '52428800 bytes (52.4 MB)',
      checked: 'size and sha256 match the copy',
    });
    assert.equal(lifetime(900), '15 min');
    assert.equal(lifetime(604_800), '7 days');
    assert.equal(lifetime(86_400 + 3_600 + 90), '1 day 1 h 1 min 30 s');
    assert.equal(lifetime(0), '0 s');
  });

  it('`--expires` takes 1 s to 7 days (default 15 min), and nothing else', () => {
    assert.equal(linkSeconds(undefined), 900);
    assert.equal(linkSeconds('60'), 60);
    assert.equal(linkSeconds('604800'), 604_800);
    for (const bad of ['0', '604801', '1.5', '-5', 'ten', '', '1e3'])
      assert.throws(() => linkSeconds(bad), /--expires must be a whole number of seconds from 1 to 604800/);
  });

  it('the console links a copy through its own route (no pre-signed URL in the page), with size, checksum, time', () => {
    const cells = recordingCopyCells(copied).text;
    assert.match(cells, /<a class="recording-copy" href="\/recordings\/rec-1"/);
    assert.doesNotMatch(cells, /amazonaws|X-Amz|signalwire\.com/);
    assert.match(cells, /52\.4 MB/);
    assert.match(cells, /title="52428800 bytes"/);
    assert.match(cells, new RegExp(`title="${SHA}">aaaaaaaaaaaa…`));
    assert.match(cells, /2026-01-01T00:01:09\.000Z/);
    assert.match(recordingCopyCells({ ...copied, id: 'a/b c' }).text, /href="\/recordings\/a%2Fb%20c"/);
    // Not copied yet: SignalWire's URL, and `copying…` once completed.
    const pending = recordingCopyCells(copying).text;
    assert.match(pending, /copying…/);
    assert.match(pending, /href="https:\/\/space\.signalwire\.com\/rec-2\.mp4"/);
    assert.doesNotMatch(recordingCopyCells(started).text, /copying|href/);
    assert.equal(roomDetail(room).text.match(/class="recording-copy"/g)?.length, 1);
  });

  it('the recording.ready notification names where the copy lands, when the stage has a bucket', () => {
    const ready = {
      type: 'recording.ready' as const,
      roomSessionId: 'rs-1',
      recordingId: 'rec-1',
      url: 'https://space.signalwire.com/api/video/rec-1.MP4?x=1',
      durationSeconds: 57,
    };
    const withBucket = videoNotification(ready, copyLocationIn('stage-recordings'));
    assert.equal(withBucket.details?.s3_location, 's3://stage-recordings/recordings/rs-1/rec-1.mp4');
    assert.match(withBucket.text, /s3:\/\/stage-recordings\/recordings\/rs-1\/rec-1\.mp4/);
    // No bucket configured, or no URL to copy from: no location.
    assert.equal('s3_location' in (videoNotification(ready).details ?? {}), false);
    assert.equal(
      's3_location' in (videoNotification({ ...ready, url: undefined }, copyLocationIn('b')).details ?? {}),
      false,
    );
  });
});
