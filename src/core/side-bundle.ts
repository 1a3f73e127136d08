/**
 * Loads code that only some runs need (Key Vault, Octokit). In the bundles it is a file of its own
 * beside index.js (scripts/build.js writes <name>/index.js next to it), required by Node at run
 * time; from the sources (tests, local runs) it is the module itself. The `require` comes from
 * eval so that the bundler leaves it alone: a require it can see would be bundled into index.js,
 * parsed by every run.
 */
const loaded = new Map<string, unknown>();

/** `sourceModule`: the absolute path of the module the side bundle is built from. */
export function loadSideBundle<T>(name: string, sourceModule: string): T {
  if (loaded.has(name)) return loaded.get(name) as T;
  const bundled = `./${name}/index.js`;
  // From eval: the bundler must not see this require (above).
  const nodeRequire = eval('require') as NodeJS.Require;
  let module: T;
  try {
    module = nodeRequire(bundled) as T;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String(error).includes(bundled);
    if (!missing) throw error;
    module = nodeRequire(sourceModule) as T;
  }
  loaded.set(name, module);
  return module;
}
