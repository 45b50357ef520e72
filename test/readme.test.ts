import { readFileSync } from 'node:fs';
import { getOperationAST, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { freePorts, readLocalSystemSettings } from '../dev/localSettings.ts';
import { type OperationName, operationNames, readOperation } from '../schema/operations.ts';
import { startTestSystem } from './system.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Every operation the README shows: its ```graphql blocks and the queries of its curl examples. */
function readmeOperations(): string[] {
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const curlQueries = [...readme.matchAll(/^\{"query":("(?:[^"\\]|\\.)*")/gm)].map(
    (m) => JSON.parse(m[1] ?? '""') as string,
  );
  return [...blocks, ...curlQueries];
}

const canonical = (text: string) => print(parse(text));

describe('README examples', () => {
  it('show operations, each exactly the file schema/operations/<its name>.graphql', () => {
    const shown = readmeOperations();
    expect(shown.length).toBeGreaterThanOrEqual(2);
    for (const text of shown) {
      const name = getOperationAST(parse(text))?.name?.value;
      expect(operationNames).toContain(name);
      expect(canonical(text)).toBe(canonical(readOperation(name as OperationName)));
    }
    expect(shown.map((text) => getOperationAST(parse(text))?.name?.value).sort()).toEqual([
      'LocationOverview',
      'OrderChanged',
      'OrdersThenStock',
    ]);
  });

  it('every operation file holds one operation, named like the file', () => {
    for (const name of operationNames) {
      const document = parse(readOperation(name));
      expect(document.definitions).toHaveLength(1);
      expect(getOperationAST(document)?.name?.value).toBe(name);
    }
  });
});

describe('README Quickstart', () => {
  it('the answer shown is what the system answers on the seed and clock the README names', async () => {
    const clock = /`EMULATOR_CLOCK=(\S+) npm start`/.exec(readme)?.[1];
    const request = /--data @- <<'JSON'\n([\s\S]*?)\nJSON\n/.exec(readme)?.[1];
    const quickstart = readme.slice(readme.indexOf('`EMULATOR_CLOCK='));
    const shown = /```json\n([\s\S]*?)```/.exec(quickstart)?.[1];
    expect([clock, request, shown].every(Boolean)).toBe(true);
    const system = await startTestSystem({
      settings: readLocalSystemSettings({ ...freePorts, EMULATOR_CLOCK: clock }),
    });
    try {
      const response = await fetch(system.gateway.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${system.devTokens.manager}`,
        },
        body: request,
      });
      expect(await response.json()).toEqual(JSON.parse(shown ?? ''));
    } finally {
      await system.close();
    }
  });
});
