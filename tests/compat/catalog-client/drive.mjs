// Drives Backstage's own @backstage/catalog-client against a running greenroom.
//
//   node drive.mjs <greenroom base URL> <dry-run file target> <registered entity ref> <token>
//
// Prints ONE JSON object on stdout: for every client call, either
// `{value, requests}` or `{error, requests}`, where `requests` lists what the
// client sent (method, path, query pairs, body) and the status it got back.
// One failing call never hides the others. tests/compat/test_backstage_catalog_client.py
// runs this script and asserts on the output.

import { CatalogClient } from '@backstage/catalog-client';

const [base, dryRunTarget, registeredRef, token] = process.argv.slice(2);
if (!base || !dryRunTarget || !registeredRef || !token) {
  console.error('usage: node drive.mjs <base URL> <dry-run file target> <registered ref> <token>');
  process.exit(2);
}
const catalogBase = `${base.replace(/\/+$/, '')}/api/catalog`;

// Every request the client sends during the current call, with the answer's status.
let requests = [];

const fetchApi = {
  fetch: async (input, init = {}) => {
    const url = new URL(String(input));
    const entry = {
      method: init.method ?? 'GET',
      path: url.pathname,
      query: [...url.searchParams.entries()],
      url: url.href,
    };
    if (init.body !== undefined) {
      try {
        entry.body = JSON.parse(init.body);
      } catch {
        entry.body = String(init.body);
      }
    }
    requests.push(entry);
    // As a Backstage backend's fetchApi does: the caller's token on every request.
    const headers = new Headers(init.headers ?? {});
    headers.set('Authorization', `Bearer ${token}`);
    const response = await fetch(input, { ...init, headers });
    entry.status = response.status;
    if (!response.ok || entry.method !== 'GET') {
      // Keep the server's own words; clone so the client can still read the body.
      entry.responseText = (await response.clone().text()).slice(0, 2000);
    }
    return response;
  },
};

const client = new CatalogClient({
  discoveryApi: { getBaseUrl: async () => catalogBase },
  fetchApi,
});

const results = {};

// JSON has no `undefined`; say explicitly when the client returned it.
function describe(value) {
  return value === undefined ? { undefined: true } : { value };
}

async function call(name, fn) {
  requests = [];
  try {
    results[name] = { ...describe(await fn()), requests };
  } catch (error) {
    results[name] = {
      error: error?.message ?? String(error),
      errorName: error?.name,
      status: error?.response?.status,
      requests,
    };
  }
}

const refOf = e =>
  `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`.toLowerCase();
const namesOf = items => items.map(e => e?.metadata?.name);

// --- getEntities (the deprecated GET /entities) ---------------------------------

await call('getEntities', async () => {
  const { items } = await client.getEntities({ filter: { kind: 'component' } });
  return { count: items.length, names: namesOf(items), sample: items[0] };
});

await call('getEntitiesFields', async () => {
  const { items } = await client.getEntities({
    filter: { kind: 'component' },
    fields: ['kind', 'metadata.name', 'spec.type'],
  });
  return { items };
});

await call('getEntitiesOrderDesc', async () => {
  const { items } = await client.getEntities({
    filter: { kind: 'component' },
    fields: ['metadata.name'],
    order: { field: 'metadata.name', order: 'desc' },
  });
  return { names: namesOf(items) };
});

await call('getEntitiesOrderTwoKeys', async () => {
  const { items } = await client.getEntities({
    filter: { kind: 'component' },
    fields: ['metadata.name', 'spec.type'],
    order: [
      { field: 'spec.type', order: 'asc' },
      { field: 'metadata.name', order: 'desc' },
    ],
  });
  return { names: namesOf(items) };
});

// --- queryEntities (GET /entities/by-query) -------------------------------------

await call('queryEntitiesPaged', async () => {
  const pages = [];
  let response = await client.queryEntities({ filter: { kind: 'component' }, limit: 5 });
  for (;;) {
    pages.push({
      names: namesOf(response.items),
      totalItems: response.totalItems,
      nextCursor: response.pageInfo?.nextCursor ?? null,
      prevCursor: response.pageInfo?.prevCursor ?? null,
    });
    const cursor = response.pageInfo?.nextCursor;
    if (!cursor || pages.length >= 20) break;
    response = await client.queryEntities({ cursor, limit: 5 });
  }
  const names = pages.flatMap(p => p.names);
  return {
    pages: pages.map(({ names: n, totalItems, nextCursor, prevCursor }) => ({
      names: n,
      totalItems,
      hasNext: nextCursor !== null,
      hasPrev: prevCursor !== null,
    })),
    names,
    total: names.length,
    distinct: new Set(names).size,
    // What the table's "previous page" button does: page 2's prevCursor gives page 1 back.
    backFromSecond:
      pages.length > 1 && pages[1].prevCursor
        ? namesOf((await client.queryEntities({ cursor: pages[1].prevCursor, limit: 5 })).items)
        : null,
  };
});

await call('queryEntitiesFullText', async () => {
  const response = await client.queryEntities({
    filter: { kind: 'component' },
    fullTextFilter: { term: 'Service', fields: ['metadata.name'] },
    orderFields: { field: 'metadata.name', order: 'desc' },
    limit: 20,
  });
  return {
    names: namesOf(response.items),
    totalItems: response.totalItems,
    pageInfo: response.pageInfo,
  };
});

await call('queryEntitiesOrderFields', async () => {
  const response = await client.queryEntities({
    filter: [{ kind: 'group' }, { kind: 'user' }],
    orderFields: [{ field: 'metadata.name', order: 'desc' }],
    fields: ['kind', 'metadata.name'],
  });
  return { items: response.items, totalItems: response.totalItems };
});

// --- by refs, by name ----------------------------------------------------------------

await call('getEntitiesByRefs', async () => {
  const { items } = await client.getEntitiesByRefs({
    entityRefs: [
      'component:default/web-portal',
      'component:default/does-not-exist',
      'api:default/payments-api',
    ],
  });
  return {
    length: items.length,
    refs: items.map(e => (e === undefined ? null : refOf(e))),
    undefinedAt: items.flatMap((e, i) => (e === undefined ? [i] : [])),
  };
});

await call('getEntitiesByRefsFields', async () => {
  const { items } = await client.getEntitiesByRefs({
    entityRefs: ['group:default/team-a', 'user:default/nobody', 'user:default/alice'],
    fields: ['kind', 'metadata.name'],
  });
  return { items, undefinedAt: items.flatMap((e, i) => (e === undefined ? [i] : [])) };
});

await call('getEntityByRefHit', () => client.getEntityByRef('component:default/billing-service'));

await call('getEntityByRefCompound', () =>
  client.getEntityByRef({ kind: 'Group', namespace: 'default', name: 'team-a' }),
);

await call('getEntityByRefMiss', () => client.getEntityByRef('component:default/no-such-thing'));

// --- facets ----------------------------------------------------------------------------

await call('getEntityFacets', () => client.getEntityFacets({ facets: ['spec.type'] }));

await call('getEntityFacetsFiltered', () =>
  client.getEntityFacets({ facets: ['spec.type', 'metadata.tags'], filter: { kind: 'component' } }),
);

// --- refresh ---------------------------------------------------------------------------

await call('refreshEntity', () => client.refreshEntity('component:default/web-portal'));

// --- locations -------------------------------------------------------------------------

await call('getLocations', () => client.getLocations());

const listed = results.getLocations.value?.items ?? [];
const firstId = listed[0]?.id;

await call('getLocationById', () =>
  firstId === undefined
    ? Promise.reject(new Error('getLocations returned no location to look up'))
    : client.getLocationById(firstId),
);

await call('getLocationByIdMiss', () =>
  client.getLocationById('00000000-0000-4000-8000-000000000000'),
);

await call('getLocationByEntity', () => client.getLocationByEntity(registeredRef));

await call('addLocationDryRun', async () => {
  const response = await client.addLocation({ type: 'file', target: dryRunTarget, dryRun: true });
  return { ...response, entityRefs: (response.entities ?? []).map(refOf).sort() };
});

// A dry run must not register anything.
await call('getLocationsAfterDryRun', () => client.getLocations());
await call('getEntityByRefDryRunComponent', () =>
  client.getEntityByRef('component:default/extra-widget'),
);

// --- ancestry --------------------------------------------------------------------------

await call('getEntityAncestors', () =>
  client.getEntityAncestors({ entityRef: 'component:default/web-portal' }),
);

// --- validateEntity --------------------------------------------------------------------

const validEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'brand-new-service', tags: ['java'] },
  spec: { type: 'service', lifecycle: 'experimental', owner: 'team-a' },
};
const invalidEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'Not A Valid Name!' },
  spec: { type: 'service', lifecycle: 'experimental', owner: 'team-a' },
};
const where = 'url:https://example.com/catalog-info.yaml';

await call('validateEntityValid', () => client.validateEntity(validEntity, where));
await call('validateEntityInvalid', () => client.validateEntity(invalidEntity, where));

process.stdout.write(`${JSON.stringify(results)}\n`);
