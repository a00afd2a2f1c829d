import { formatEntityTag, type Store } from '@ifmatch/core';
import { createResource } from '@ifmatch/http';

type Product = { name: string; price: number };

const parse = (body: unknown): Product => {
  const { name, price } = body as Partial<Product>;
  if (typeof name !== 'string' || !Number.isInteger(price)) throw new TypeError('a product is { name, price }'); // 422
  return { name, price: price as number };
};

/**
 * PUT /products/:id for both contracts while old clients remain. New clients send `If-Match`
 * with the ETag they read (a write without one is 428). Old ones send `{ …product, version }`.
 */
export function productsApi(store: Store<Product, string>) {
  const resource = createResource({ store, parse });
  return async (request: Request, id: string): Promise<Response> => {
    const body =
      request.method === 'PUT'
        ? await request
            .clone()
            .json()
            .catch(() => undefined)
        : undefined;
    const old = typeof body?.version === 'number' && !request.headers.has('If-Match');
    if (!old) return resource.handle(request, id);
    // An old client: compare its version with the record read, then write with that record's tag
    // as If-Match. A write in between fails the condition: the old client's 409, never an overwrite.
    const { version, ...product } = body;
    const current = await store.get(id);
    if (current === undefined) return new Response(null, { status: 404 });
    if (current.version !== version) return new Response(null, { status: 409 });
    const headers = new Headers(request.headers);
    headers.set('If-Match', formatEntityTag(current.etag));
    const answer = await resource.handle(
      new Request(request.url, { method: 'PUT', headers, body: JSON.stringify(product) }),
      id,
    );
    return answer.status === 412 ? new Response(null, { status: 409 }) : answer;
  };
}
