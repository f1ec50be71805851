import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordingKey, s3Location, safeKeyPart } from '../../lib/recordings/recording-key';

describe('where a recording is copied to (recordingKey)', () => {
  it("files it under its room session and id, with the URL path's media extension, lower-cased", () => {
    assert.equal(
      recordingKey('rs-1', 'rec-1', 'https://space.signalwire.com/api/video/recordings/rec-1.MP4?token=x'),
      'recordings/rs-1/rec-1.mp4',
    );
    for (const ext of ['webm', 'm4a', 'mp3', 'wav'])
      assert.equal(recordingKey('rs', 'r', `https://h/x/file.${ext}`), `recordings/rs/r.${ext}`);
  });

  it('keeps no extension that is not a known media one, nor one from the query or the host', () => {
    assert.equal(recordingKey('rs', 'r', 'https://h/api/recordings/r'), 'recordings/rs/r');
    assert.equal(recordingKey('rs', 'r', 'https://h/download.php'), 'recordings/rs/r');
    assert.equal(recordingKey('rs', 'r', 'https://h/x?file=a.mp4'), 'recordings/rs/r');
    assert.equal(recordingKey('rs', 'r', 'https://files.mp4/'), 'recordings/rs/r');
    assert.equal(recordingKey('rs', 'r', 'https://h/a.mp4/more'), 'recordings/rs/r');
    assert.equal(recordingKey('rs', 'r', 'not a url.mp4'), 'recordings/rs/r');
    assert.equal(recordingKey('rs', 'r'), 'recordings/rs/r');
  });

  it('makes ids safe for a key: anything outside [A-Za-z0-9._-] becomes _', () => {
    assert.equal(recordingKey('rs/../x', 'a b?c#d%e+é', 'https://h/r.webm'), 'recordings/rs_.._x/a_b_c_d_e__.webm');
    assert.equal(safeKeyPart('3b1c0f4e-AZ_az.09'), '3b1c0f4e-AZ_az.09');
    // A recording without an id is filed under its URL (lib/video/video-event-key.ts).
    assert.equal(
      recordingKey('rs', 'https://h/rec/7.mp4', 'https://h/rec/7.mp4'),
      'recordings/rs/https___h_rec_7.mp4.mp4',
    );
  });

  it('never makes a path segment of dots only, nor an empty one', () => {
    assert.equal(recordingKey('..', '.', 'https://h/x.wav'), 'recordings/__/_.wav');
    assert.equal(safeKeyPart(''), '_');
  });

  it("cuts a very long id and tells it apart by a hash, so keys stay far below S3's 1024 bytes", () => {
    const long = `https://h/${'a'.repeat(2000)}`;
    const other = `https://h/${'a'.repeat(1999)}b`;
    const key = recordingKey('rs', long, long);
    assert.ok(key.length < 300, `${key.length}`);
    assert.equal(safeKeyPart(long).length, 200);
    assert.notEqual(safeKeyPart(long), safeKeyPart(other));
    assert.equal(safeKeyPart(long), safeKeyPart(long));
  });

  it('names the copy as s3://bucket/key', () => {
    assert.equal(s3Location('b-1', 'recordings/rs/r.mp4'), 's3://b-1/recordings/rs/r.mp4');
  });
});
