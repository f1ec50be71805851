import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createRoomStore } from '../../lib/store/room-store';
import { applyVideoEvent } from '../../lib/video/apply-video-event';
import { normalizeVideoEvent } from '../../lib/video/normalize-video-event';
import type { RoomSession } from '../../lib/video/room-session';
import { startTestStack, type TestStack } from '../helpers/test-stack';
import { startTestTable, type TestTable } from '../helpers/test-table';
import { waitFor } from '../helpers/wait';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
// 1,500 members with names pass 400 KB in the old one-item layout. `ROOM_MEMBERS=10000 node --import tsx --test test/integration/video-room-sessions.test.ts` for the full-size room.
const MEMBERS = Number(process.env.ROOM_MEMBERS ?? 1_500);

describe('rooms of any size (DynamoDB emulator, the video use case on the real store)', {
  timeout: Math.max(170_000, MEMBERS * 120),
}, () => {
  let db: TestTable;
  before(async () => (db = await startTestTable()));
  after(() => db?.stop());

  it(`REGRESSION: a session of ${MEMBERS} members with UUID ids who join and leave ends with count 0`, async () => {
    // given a session whose members all join, then all leave (past DynamoDB's 400 KB item limit on one item)
    const rooms = createRoomStore(db.table);
    const payload = (extra: Record<string, unknown>) =>
      normalizeVideoEvent({ room_id: 'r-big', room_session_id: 'rs-big', ...extra }, at(0));
    const ids = Array.from({ length: MEMBERS }, () => randomUUID());
    const run = async (events: ReturnType<typeof payload>[]) => {
      for (let i = 0; i < events.length; i += 16)
        await Promise.all(events.slice(i, i + 16).map((e) => applyVideoEvent(e, rooms)));
    };
    const started = Date.now();
    await run([payload({ event: 'room.started', timestamp: at(0) })]);
    await run(
      ids.map((id, i) =>
        payload({ event: 'member.joined', member_id: id, member_name: `Member ${i}`, timestamp: at(1) }),
      ),
    );
    const full = await rooms.get('rs-big');
    assert.equal(full!.member_count, MEMBERS, 'every member counted once');
    await run(ids.map((id) => payload({ event: 'member.left', member_id: id, timestamp: at(60) })));
    await run([payload({ event: 'room.ended', timestamp: at(61) })]);
    // then the session ended with nobody in it, every member kept with both times
    const room = await rooms.get('rs-big');
    console.log(
      `# ${MEMBERS} members joined and left (${2 * MEMBERS + 2} events) in ${Date.now() - started} ms; member_count ${room!.member_count}`,
    );
    assert.equal(room!.member_count, 0);
    assert.equal(room!.ended_at, at(61));
    assert.equal(room!.members.length, MEMBERS);
    assert.ok(room!.members.every((m) => m.joined_at === at(1) && m.left_at === at(60)));
  });
});

describe('sessions of one room stay apart (HTTP -> SQS -> worker -> DynamoDB, `webhooks rooms`)', {
  timeout: 120_000,
}, () => {
  let stack: TestStack;
  before(async () => (stack = await startTestStack()));
  after(() => stack?.stop());

  const post = (body: Record<string, unknown>) =>
    fetch(`${stack.url}/video/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const show = async (id: string): Promise<RoomSession | undefined> => (await stack.cli(['rooms', 'show', id])).json;

  it('REGRESSION: without room_session_id, a room.started after a room.ended opens a new session; `rooms show <room id>` is the latest', async () => {
    // given the documented flat payloads (room_id only) of two meetings in one room
    const first = [
      { event: 'room.started', room_id: 'r-apart', room_name: 'standup', timestamp: at(0) },
      { event: 'member.joined', room_id: 'r-apart', member_id: 'ann', timestamp: at(1) },
      { event: 'member.left', room_id: 'r-apart', member_id: 'ann', timestamp: at(50) },
      { event: 'room.ended', room_id: 'r-apart', timestamp: at(60) },
    ];
    for (const body of first) assert.equal((await post(body)).status, 200);
    const one = await waitFor(
      async () => {
        const room = await show('r-apart');
        return room?.ended_at != null && room.members[0]?.left_at != null ? room : undefined;
      },
      15_000,
      'the first session',
    );
    // when the room is started again, and someone joins
    assert.equal(
      (await post({ event: 'room.started', room_id: 'r-apart', room_name: 'standup', timestamp: at(3600) })).status,
      200,
    );
    const two = await waitFor(
      async () => {
        const room = await show('r-apart');
        return room !== undefined && room.room_session_id !== one.room_session_id ? room : undefined;
      },
      15_000,
      'the second session',
    );
    assert.equal(
      (await post({ event: 'member.joined', room_id: 'r-apart', member_id: 'bob', timestamp: at(3601) })).status,
      200,
    );
    const second = await waitFor(
      async () => {
        const room = await show(two.room_session_id);
        return room?.members.length === 1 ? room : undefined;
      },
      15_000,
      'bob in the second session',
    );
    // then each session keeps its own times, members and count
    assert.deepEqual(
      [second.started_at, second.ended_at, second.member_count, second.members[0]!.id],
      [at(3600), null, 1, 'bob'],
    );
    const firstAgain = (await show(one.room_session_id))!;
    assert.deepEqual(
      [firstAgain.started_at, firstAgain.ended_at, firstAgain.member_count, firstAgain.members.map((m) => m.id)],
      [at(0), at(60), 0, ['ann']],
    );
    // and `rooms list` shows both, the newest first
    const listed = (await stack.cli(['rooms', 'list', '--since', new Date(Date.now() - 60_000).toISOString()]))
      .json as { room_session_id: string; state: string }[];
    const mine = listed.filter((r) => [one.room_session_id, two.room_session_id].includes(r.room_session_id));
    assert.deepEqual(mine.map((r) => r.state).sort(), ['active', 'ended']);
  });

  it('REGRESSION: accepts a payload with room_session_id but no room_id', async () => {
    assert.equal(
      (await post({ event: 'member.joined', room_session_id: 'rs-no-room', member_id: 'cy', timestamp: at(5) })).status,
      200,
    );
    const room = await waitFor(async () => show('rs-no-room'), 15_000, 'the session');
    assert.deepEqual([room.room_id, room.member_count, room.members.map((m) => m.id)], [null, 1, ['cy']]);
    const dead = (await stack.cli(['dlq', 'list'])).json as unknown[];
    assert.deepEqual(dead, []);
  });
});
