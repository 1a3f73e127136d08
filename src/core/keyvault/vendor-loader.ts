/**
 * Loads vendor.ts on first use. In the bundles it is its own file beside index.js (the build
 * writes keyvault/index.js next to it), required by Node at run time; from the sources (tests,
 * local runs) it is the module itself. The `require` comes from eval so that the bundler leaves it
 * alone: a require it can see would be bundled into index.js, parsed by every run.
 */
import { AzureLogger } from '@azure/logger';
import type * as Vendor from './vendor';

const BUNDLED_VENDOR = './keyvault/index.js';
let loaded: typeof Vendor | undefined;

export function loadVendor(): typeof Vendor {
  if (loaded) return loaded;
  // From eval: the bundler must not see this require (above).
  const nodeRequire = eval('require') as NodeJS.Require;
  try {
    loaded = nodeRequire(BUNDLED_VENDOR) as typeof Vendor;
  } catch (error) {
    const missing =
      (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String(error).includes(BUNDLED_VENDOR);
    if (!missing) throw error;
    loaded = nodeRequire('./vendor') as typeof Vendor;
  }
  // The vendor bundle has its own copy of the SDK's logger: its lines (AZURE_LOG_LEVEL) take the
  // same redacted path to stderr as every other SDK line (step.ts).
  if (loaded.AzureLogger !== AzureLogger) loaded.AzureLogger.log = (...args: unknown[]) => AzureLogger.log(...args);
  return loaded;
}
