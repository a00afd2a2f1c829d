import { type ContractDocument, describeStoreContract } from '@ifmatch/contract';
import { createMemoryStore } from '@ifmatch/core';
import { canonicalJson, type DriverRecord } from '@ifmatch/core/driver';

// A whole contract test: a store factory, `inspect`, a raw view of what was persisted, and
// `seed`, which writes a record the way an application that never used ifmatch would.
// Here the suite tests itself against core's in-memory reference store.
const records = new Map<string, DriverRecord<ContractDocument, string>>();

describeStoreContract({
  name: 'memory (reference store)',
  capabilities: { strategies: ['version', 'timestamp', 'hash'] },
  createStore: (options) => ({
    store: createMemoryStore({ ...options, records }),
    inspect: async (key) => records.get(canonicalJson(key)),
    seed: async (key, value, fields) => {
      records.set(canonicalJson(key), {
        key,
        value,
        version: fields.version ?? 0,
        modifiedAt: fields.modifiedAt ?? null,
        incarnation: fields.incarnation ?? null,
        hash: fields.hash ?? null,
      });
    },
  }),
});
