import {
  evaluatePreconditions,
  formatEntityTag,
  formatHttpDate,
  preconditionsToWriteCondition,
  type Store,
  type StoredRecord,
} from '@ifmatch/core';

/** GET and PUT of one JSON resource on any Store, with the Fetch API's Request/Response. */
export async function handle(request: Request, store: Store<unknown, string>, id: string): Promise<Response> {
  const validators = (record: StoredRecord<unknown, string>): Record<string, string> => ({
    ETag: formatEntityTag(record.etag),
    // Absent for a row no store has written yet: it has no known modification time. Never
    // later than the response (RFC 9110 §8.8.2.1): another server's clock may be ahead.
    ...(record.lastModified === undefined
      ? {}
      : { 'Last-Modified': formatHttpDate(Math.min(record.lastModified, Date.now())) }),
  });

  if (request.method === 'GET' || request.method === 'HEAD') {
    const record = await store.get(id);
    if (!record) return new Response(null, { status: 404 });
    const target = { exists: true, etag: record.etag, lastModified: record.lastModified };
    const decision = evaluatePreconditions(request.method, request.headers, target);
    if (decision.outcome === 'not-modified') return new Response(null, { status: 304, headers: validators(record) });
    if (decision.outcome === 'precondition-failed') return new Response(null, { status: 412 });
    return Response.json(record.value, { headers: validators(record) });
  }

  if (request.method === 'PUT') {
    // The preconditions become a condition the store checks atomically with the write.
    const translated = preconditionsToWriteCondition('PUT', request.headers, { requireFor: ['PUT'] });
    if (translated.outcome !== 'condition') return new Response(null, { status: translated.status }); // 428/400
    const outcome = await store.put(id, await request.json(), translated.condition);
    if (!outcome.ok) {
      const headers = outcome.reason === 'precondition-failed' ? validators(outcome.current) : {};
      return new Response(null, { status: 412, headers });
    }
    return Response.json(outcome.record.value, {
      status: outcome.created ? 201 : 200,
      headers: validators(outcome.record),
    });
  }
  return new Response(null, { status: 405, headers: { Allow: 'GET, HEAD, PUT' } });
}
