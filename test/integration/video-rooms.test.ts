import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRoomStore } from '../../lib/store/room-store';
import { createDocumentClient, type TableRef } from '../../lib/store/table';
import type { RoomSession } from '../../lib/video/room-session';
import { loadFixture, postFixture } from '../helpers/fixtures';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { waitFor } from '../helpers/wait';
import { shuffle, videoDelivery, type VideoNaming, type VideoStep } from '../helpers/video-events';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describe('video rooms (HTTP -> SQS -> worker -> DynamoDB, emulators)', () => {
  let stack: TestStack;
  let rooms: ReturnType<typeof createRoomStore>;
  let dynamodb: DynamoDBClient;
  before(async () => {
    stack = await startTestStack();
    dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: stack.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const table: TableRef = { client: createDocumentClient(dynamodb), tableName: stack.tableName, retentionDays: 90 };
    rooms = createRoomStore(table);
  });
  after(async () => {
    dynamodb.destroy();
    await stack.stop();
  });

  /** Polls the store until `done` holds; every state seen on the way must have a count that is not negative. */
  async function roomWhen(id: string, done: (room: RoomSession) => boolean): Promise<RoomSession> {
    return waitFor(async () => {
      const room = await rooms.get(id);
      if (room !== undefined) assert.ok(room.member_count >= 0, `member count went negative: ${room.member_count}`);
      return room !== undefined && done(room) ? room : undefined;
    }, 10_000, `room ${id}`);
  }

  it('files every video fixture into one room session, shown by `webhooks rooms show`', async () => {
    // given the three sample deliveries (room started, member joined, recording ready), each twice
    const fixtures = ['video-room-started', 'video-member-joined', 'video-recording-completed'].map(loadFixture);
    // when they are posted
    for (const fixture of [...fixtures, ...fixtures]) assert.equal((await postFixture(stack.url, fixture)).status, 200);
    await roomWhen('rs-0001', (r) => r.started_at !== null && r.members.length === 1 && r.recordings.length === 1);
    // then the CLI shows one room session with its member and recording, nothing counted twice
    const { code, json } = await stack.cli(['rooms', 'show', 'rs-0001']);
    assert.equal(code, 0);
    assert.equal(json.room_session_id, 'rs-0001');
    assert.equal(json.room_id, 'r-0001');
    assert.equal(json.room_name, 'my-meeting');
    assert.equal(json.started_at, '2025-01-15T10:30:00.000Z');
    assert.equal(json.ended_at, null);
    assert.equal(json.member_count, 1);
    assert.deepEqual(json.members, [{ id: 'mem-01', name: 'Alice', joined_at: '2025-01-15T10:30:05.000Z', left_at: null }]);
    assert.deepEqual(json.recordings, [
      {
        id: 'rec-01',
        url: 'https://example.com/recordings/rec-01.mp4',
        duration_seconds: 1800,
        state: 'completed',
        started_at: null,
        completed_at: '2025-01-15T11:00:00.000Z',
      },
    ]);
    assert.equal((await stack.cli(['rooms', 'show', 'no-such-session'])).code, 1);
  });

  for (const naming of ['flat', 'realtime', 'route'] as VideoNaming[]) {
    it(`applies all six events named the ${naming} way`, async () => {
      // given a whole room session in the given naming
      const session = `rs-naming-${naming}`;
      const steps: VideoStep[] = [
        { type: 'room.started', at: at(0) },
        { type: 'member.joined', member: 'm1', name: 'Ann', at: at(1) },
        { type: 'member.joined', member: 'm2', name: 'Bob', at: at(2) },
        { type: 'recording.started', recording: 'rec-1', at: at(3) },
        { type: 'member.left', member: 'm1', at: at(60) },
        { type: 'recording.completed', recording: 'rec-1', url: 'https://example.com/rec-1.mp4', duration: 57, at: at(61) },
        { type: 'room.ended', at: at(62) },
      ];
      // when each is posted once
      for (const step of steps) assert.equal((await videoDelivery(stack.url, session, step, naming)).status, 200);
      // then the session has both ends, both members, and the completed recording
      const room = await roomWhen(session, (r) => r.ended_at !== null && r.members.some((m) => m.left_at) && r.recordings[0]?.state === 'completed' && r.members.length === 2);
      assert.equal(room.started_at, at(0));
      assert.equal(room.ended_at, at(62));
      assert.equal(room.member_count, 1);
      assert.deepEqual(room.members, [
        { id: 'm1', name: 'Ann', joined_at: at(1), left_at: at(60) },
        { id: 'm2', name: 'Bob', joined_at: at(2), left_at: null },
      ]);
      assert.deepEqual(room.recordings, [
        { id: 'rec-1', url: 'https://example.com/rec-1.mp4', duration_seconds: 57, state: 'completed', started_at: at(3), completed_at: at(61) },
      ]);
    });
  }

  it('never counts a member whose leave arrived before the join', async () => {
    // given a member.left that is applied before its member.joined
    const session = 'rs-left-first';
    await videoDelivery(stack.url, session, { type: 'member.left', member: 'late', at: at(30) }, 'flat');
    await roomWhen(session, (r) => r.members.length === 1);
    // when the join arrives afterwards, twice
    await videoDelivery(stack.url, session, { type: 'member.joined', member: 'late', name: 'Late', at: at(10) }, 'flat');
    await videoDelivery(stack.url, session, { type: 'member.joined', member: 'late', name: 'Late', at: at(10) }, 'realtime');
    // then the member is recorded with both times and the count stays 0
    const room = await roomWhen(session, (r) => r.members[0]?.joined_at !== null);
    assert.deepEqual(room.members, [{ id: 'late', name: 'Late', joined_at: at(10), left_at: at(30) }]);
    assert.equal(room.member_count, 0);
  });

  it('counts members right under duplicates and any order, concurrently, never below zero', async () => {
    // given 3 sessions of 12 members: 8 join and leave, 4 only join; every event delivered 3 times (in 3 namings),
    // the whole lot shuffled differently per session and posted concurrently
    const sessions = ['rs-chaos-1', 'rs-chaos-2', 'rs-chaos-3'];
    const posts = sessions.flatMap((session, s) => {
      const steps: VideoStep[] = [];
      for (let m = 0; m < 12; m++) {
        steps.push({ type: 'member.joined', member: `m${m}`, name: `Member ${m}`, at: at(m) });
        if (m < 8) steps.push({ type: 'member.left', member: `m${m}`, at: at(100 + m) });
      }
      const deliveries = steps.flatMap((step) => (['flat', 'realtime', 'route'] as VideoNaming[]).map((naming) => ({ step, naming })));
      return shuffle(deliveries, 11 + s).map(({ step, naming }) => () => videoDelivery(stack.url, session, step, naming));
    });
    const responses = await Promise.all(posts.map((post) => post()));
    assert.ok(responses.every((r) => r.status === 200));
    // then each session ends with the 4 members still in, all 12 recorded once, and no count ever went negative
    for (const session of sessions) {
      const room = await roomWhen(session, (r) => r.members.length === 12 && r.members.filter((m) => m.left_at && m.joined_at).length === 8);
      assert.equal(room.member_count, 4, session);
      assert.deepEqual(room.members.filter((m) => m.left_at === null).map((m) => m.id).sort(), ['m10', 'm11', 'm8', 'm9']);
    }
    // and no video event of this file was dead-lettered
    assert.deepEqual((await stack.cli(['dlq', 'list'])).json, []);
  });
});
