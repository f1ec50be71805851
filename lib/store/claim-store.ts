import { GetCommand, UpdateCommand } from './commands';
import type { Claim, ClaimStore } from '../claims/lease-claim';
import { DependencyError } from '../errors';
import { expiresAt, isConditionFailure, type TableRef } from './table';
import { buildUpdate, type UpdateSpec } from './update-expression';

const OWN_ATTRIBUTES = new Set([
  'pk',
  'sk',
  'status',
  'claim_token',
  'lease_expires_at',
  'claimed_at',
  'attempts',
  'updated_at',
  'expires_at',
]);

/**
 * Lease claims on DynamoDB, one item per effect: pk `<prefix><key>` (`REPLY#<message id>`, `NOTIFY#<event key>`),
 * sk `CLAIM`. Every write is a single-item conditional UpdateItem (dynalite has no transactions).
 */
export function createClaimStore(table: TableRef, prefix: string): ClaimStore {
  const Key = (key: string) => ({ pk: `${prefix}${key}`, sk: 'CLAIM' });

  async function update(key: string, spec: UpdateSpec): Promise<boolean> {
    const set = { ...spec.set, updated_at: new Date().toISOString(), expires_at: expiresAt(table) };
    try {
      await table.client.send(
        new UpdateCommand({ TableName: table.tableName, Key: Key(key), ...buildUpdate({ ...spec, set }) }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw new DependencyError(`could not update claim ${prefix}${key}`, { cause: error });
    }
  }

  return {
    // Race closed: two workers claim the same effect at once; only the first creation succeeds.
    create: (key, claim) =>
      update(key, {
        condition: 'attribute_not_exists(pk)',
        set: {
          ...claim.fields,
          status: 'in_progress',
          claim_token: claim.token,
          lease_expires_at: claim.leaseExpiresAt,
          claimed_at: claim.now,
          attempts: 1,
        },
      }),

    // Race closed: two workers find the same expired (or released) claim and take it over at once; the claim
    // token they both read lets only the first one through, the other sees a new token and waits.
    takeOver: (key, previousToken, claim) =>
      update(key, {
        condition:
          'claim_token = :previous AND (#status = :retry OR (#status = :in_progress AND lease_expires_at <= :now))',
        conditionValues: {
          ':previous': previousToken,
          ':retry': 'retry',
          ':in_progress': 'in_progress',
          ':now': claim.now,
        },
        set: { status: 'in_progress', claim_token: claim.token, lease_expires_at: claim.leaseExpiresAt },
        add: { attempts: 1 },
      }),

    // Race closed: a holder whose lease expired (and was taken over) must not overwrite its successor's outcome.
    finish: (key, token, status, fields) =>
      update(key, {
        condition: 'claim_token = :token AND #status = :in_progress',
        conditionValues: { ':token': token, ':in_progress': 'in_progress' },
        set: { ...fields, status },
      }),

    // Race closed: an outcome recorded without a claim never overwrites a claim made meanwhile.
    recordIfAbsent: (key, status, fields) =>
      update(key, {
        condition: 'attribute_not_exists(pk)',
        set: { ...fields, status, claimed_at: Date.now(), attempts: 0 },
      }),

    async get(key) {
      let item: Record<string, unknown> | undefined;
      try {
        ({ Item: item } = await table.client.send(
          new GetCommand({ TableName: table.tableName, Key: Key(key), ConsistentRead: true }),
        ));
      } catch (error) {
        throw new DependencyError(`could not read claim ${prefix}${key}`, { cause: error });
      }
      return item === undefined ? undefined : toClaim(key, item);
    },
  };
}

function toClaim(key: string, item: Record<string, unknown>): Claim {
  const fields: Claim['fields'] = {};
  for (const [name, value] of Object.entries(item)) {
    if (!OWN_ATTRIBUTES.has(name) && (typeof value === 'string' || typeof value === 'number')) fields[name] = value;
  }
  return {
    key,
    status: String(item.status),
    token: String(item.claim_token ?? ''),
    leaseExpiresAt: Number(item.lease_expires_at ?? 0),
    claimedAt: Number(item.claimed_at ?? 0),
    attempts: Number(item.attempts ?? 0),
    fields,
  };
}
