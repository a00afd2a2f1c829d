import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { DataSource, EntitySchema, type EntitySubscriberInterface } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProductEntity, productStore, sell, sellWithTypeorm } from './migrate-typeorm.js';
import { createTestSchema, POSTGRES_URL, postgresAvailable, type TestSchema } from './postgres-schema.js';

/** The entity as it was before the migration: no ifmatch columns. */
const ProductBefore = new EntitySchema<{ id: number; name: string; stock: number; version: number }>({
  name: 'Product',
  tableName: 'products',
  columns: {
    id: { type: Number, primary: true, generated: true },
    name: { type: String },
    stock: { type: Number },
    version: { type: Number, version: true },
  },
});

/** Runs `between` (once) after TypeORM has loaded an entity: a writer between its read and its write. */
let between: (() => Promise<void>) | undefined;
class Interleave implements EntitySubscriberInterface {
  async afterLoad() {
    const run = between;
    between = undefined;
    await run?.();
  }
}

describe.runIf(await postgresAvailable())('migrating from TypeORM @VersionColumn (README snippet)', () => {
  let schema: TestSchema;
  let dataSource: DataSource;
  let pool: pg.Pool;
  let db: NodePgDatabase;
  let store: ReturnType<typeof productStore>;
  const typeorm = (entity: EntitySchema) =>
    new DataSource({
      type: 'postgres',
      url: POSTGRES_URL,
      schema: schema.name,
      entities: [entity],
      synchronize: true,
    }).initialize();

  beforeAll(async () => {
    schema = await createTestSchema('migrate_typeorm');
    // The table TypeORM made and filled before the migration.
    const before = await typeorm(ProductBefore as EntitySchema);
    await before.getRepository(ProductBefore).insert({ name: 'tea', stock: 10 });
    await before.destroy();
    // The migration: the entity with ifmatch's columns (`synchronize` here, `migration:generate` in production).
    dataSource = await typeorm(ProductEntity as EntitySchema);
    dataSource.subscribers.push(new Interleave()); // the `subscribers` option takes only decorated classes
    pool = schema.pool();
    db = drizzle(pool);
    store = productStore(db);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await pool?.end();
    await schema?.drop();
  });

  const row = async (id: number) => (await pool.query('select * from products where id = $1', [id])).rows[0];
  const create = (stock: number) => {
    const repository = dataSource.getRepository(ProductEntity);
    return repository.save(repository.create({ name: 'coffee', stock }));
  };

  it('adds ifmatch’s columns to the table TypeORM made, and serves its rows at once', async () => {
    const columns = await pool.query(
      `select column_name from information_schema.columns where table_schema = $1 and table_name = 'products'
       order by ordinal_position`,
      [schema.name],
    );
    expect(columns.rows.map((c) => c.column_name)).toEqual([
      'id',
      'name',
      'stock',
      'version',
      'modified_at',
      'incarnation',
      'etag_hash',
    ]);
    const read = await store.get(1);
    expect(read).toMatchObject({ value: { name: 'tea', stock: 10 }, version: 1 }); // TypeORM inserts version 1
    expect(read?.lastModified).toBeUndefined();
  });

  it('control: two TypeORM sales on the same version both succeed, one is lost, and the version goes back', async () => {
    const { id } = await create(100);
    // Both requests read version 1; the second writes while the first is between its read and its write.
    between = () => sellWithTypeorm(dataSource, id, 1);
    await expect(sellWithTypeorm(dataSource, id, 1)).resolves.toBeUndefined();
    expect(between).toBeUndefined(); // the second sale did run, in between
    // Two sales, one counted. The first save() found its stock already written and its version
    // "changed": it wrote its own, stale, version back (`SET version = 1`).
    expect(await row(id)).toMatchObject({ stock: 99, version: 1 });
    // So even TypeORM's own check now lets a third request that read version 1 through.
    await expect(sellWithTypeorm(dataSource, id, 1)).resolves.toBeUndefined();
    expect(await row(id)).toMatchObject({ stock: 98, version: 2 });
  });

  it('the same race through ifmatch on the same table loses nothing', async () => {
    const { id } = await create(100);
    // A writer between update()'s read and its write: the pinned write fails, update() re-reads and re-applies.
    let once = true;
    const racing: typeof store = {
      ...store,
      update: (key, change, condition, retry) =>
        store.update(
          key,
          async (value, record) => {
            if (once) {
              once = false;
              await sell(store, id);
            }
            return change(value, record);
          },
          condition,
          retry,
        ),
    };
    await sell(racing, id);
    expect(once).toBe(false);
    expect(await row(id)).toMatchObject({ stock: 98, version: 3 });

    // Two clients holding the same tag: exactly one write, and the other is told, with the current record.
    const read = await store.get(id);
    const [a, b] = await Promise.all(
      [97, 96].map((stock) => store.put(id, { ...read!.value, stock }, { etagIn: [read!.etag] })),
    );
    expect([a?.ok, b?.ok].filter(Boolean)).toHaveLength(1);
    const loser = a?.ok ? b : a;
    const winner = a?.ok ? a : b;
    expect(!loser?.ok && loser?.reason === 'precondition-failed' && loser.current.value).toEqual(
      winner?.ok && winner.record.value,
    );
  });

  it('while both write: ifmatch sees TypeORM’s saves, but a stale save() loses a write and rewinds the version', async () => {
    const { id } = await create(100);
    const first = await store.get(id);
    await sellWithTypeorm(dataSource, id, 1); // version 1 → 2
    const stale = await store.put(id, { ...first!.value, stock: 0 }, { etagIn: [first!.etag] });
    expect(!stale.ok && stale.reason).toBe('precondition-failed');

    const tag = (await store.get(id))!.etag; // version 2, stock 99
    between = () => sell(store, id); // an ifmatch sale between TypeORM's read and its write: version 3
    await sellWithTypeorm(dataSource, id, 2);
    expect(between).toBeUndefined();
    expect(await row(id)).toMatchObject({ stock: 98, version: 2 }); // three sales, two counted, version rewound
    // The tag handed out at version 2 (stock 99) matches again, over content its holder never saw.
    expect((await store.put(id, { ...first!.value, stock: 50 }, { etagIn: [tag] })).ok).toBe(true);
  });

  it('an interim fix while TypeORM still writes: update() with the version in its criteria is one conditional statement', async () => {
    const { id } = await create(100); // version 1
    const repository = dataSource.getRepository(ProductEntity);
    // TypeORM adds `version = version + 1` itself: UPDATE … SET stock = $1, version = version + 1 WHERE id = $2 AND version = $3
    expect((await repository.update({ id, version: 1 }, { stock: 99 })).affected).toBe(1);
    expect((await repository.update({ id, version: 1 }, { stock: 0 })).affected).toBe(0); // stale: nothing written
    expect(await row(id)).toMatchObject({ stock: 99, version: 2 });
  });
});
