import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

/**
 * Watches the supergraph file and reports each new version once it has settled: editors and
 * `npm run compose` replace a file in several steps, so changes are debounced and an unchanged
 * text is ignored. The caller decides what a new version means (the gateway swaps it in).
 */
export function watchSupergraph(
  path: string,
  initial: string,
  onChange: (sdl: string) => void,
  debounceMs = 100,
): () => void {
  let current = initial;
  let timer: NodeJS.Timeout | undefined;
  // Watching the directory survives the file being replaced (rename over it).
  const watcher = watch(dirname(path), (_event, file) => {
    if (file !== null && file !== basename(path)) return;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        return; // Mid-replacement; the next event brings the new file.
      }
      if (text === current || text.trim() === '') return;
      current = text;
      onChange(text);
    }, debounceMs);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
