/**
 * The AWS SDK sends a request again when its attempt failed in a way it deems transient: a
 * 5xx, a lost connection, a timeout. For a conditional write that is blind: if the first
 * attempt was applied, the second meets the item it left (or what another writer made of it
 * meanwhile) and fails its condition, which would read as a conflict; or, where the item has
 * since been deleted, it passes `attribute_not_exists` and brings the deleted record back with
 * its old incarnation, so that tags of its previous life match again. So inside the SDK's retry
 * loop, a write's attempt that may have been applied stops the loop (`WriteNotResent`, which no
 * retry strategy retries), and the store settles it by reading (`conditional` in index.ts), or
 * reports OUTCOME_UNKNOWN. Only an attempt known to have written nothing (`leftNothingWritten`:
 * throttling and other 4xx, a connection never made) is still retried by the SDK: a failure of
 * a kind not known here is not sent again blindly.
 */
import type {
  DeleteItemCommand,
  DeleteItemCommandOutput,
  DynamoDBClient,
  PutItemCommand,
  PutItemCommandOutput,
  UpdateItemCommand,
  UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { leftNothingWritten, WriteNotResent } from './errors.js';

type Next = (args: unknown) => Promise<unknown>;

const noBlindResend = (next: Next) => async (args: unknown) => {
  try {
    return await next(args);
  } catch (error) {
    throw leftNothingWritten(error) ? error : new WriteNotResent(error);
  }
};

/**
 * In the `finalizeRequest` step at normal priority: inside the SDK's retry middleware (the same
 * step at high priority), so it sees each attempt.
 */
const PLACE = { step: 'finalizeRequest', name: 'ifmatchNoBlindResend' } as const;

/**
 * Options for `client.send`: given, they keep a client with `cacheMiddleware: true` from
 * reusing a handler resolved for another command, without this command's middleware.
 */
const SEND_OPTIONS = {};

/** Sends a write of the store's, which the SDK will not send again after an attempt that may have been applied. */
export function sendOnce(client: DynamoDBClient, command: PutItemCommand): Promise<PutItemCommandOutput>;
export function sendOnce(client: DynamoDBClient, command: UpdateItemCommand): Promise<UpdateItemCommandOutput>;
export function sendOnce(client: DynamoDBClient, command: DeleteItemCommand): Promise<DeleteItemCommandOutput>;
export function sendOnce(
  client: DynamoDBClient,
  command: PutItemCommand | UpdateItemCommand | DeleteItemCommand,
): Promise<unknown> {
  (command as PutItemCommand).middlewareStack.add(noBlindResend as never, PLACE as never);
  return client.send(command as PutItemCommand, SEND_OPTIONS);
}
