import { readFileSync } from 'node:fs';
import { getOperationAST, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { type OperationName, operationNames, readOperation } from '../schema/operations.ts';

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
