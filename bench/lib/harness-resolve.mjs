// Module resolve hook: a bare specifier the harness cannot resolve from its own folder (read-only, no node_modules) is resolved from the bench's install dir instead.
import { pathToFileURL } from 'node:url';
import path from 'node:path';

let parentURL = null;

/** @param {{ deps?: string }} data the directory that holds node_modules/ with the harness's dependencies */
export function initialize(data) {
  if (data?.deps) parentURL = pathToFileURL(path.join(data.deps, 'package.json')).href;
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    const bare = !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.includes(':');
    if (!parentURL || !bare || err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    return nextResolve(specifier, { ...context, parentURL });
  }
}
