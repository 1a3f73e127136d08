/** The Key Vault side bundle (vendor.ts), loaded on first use: see side-bundle.ts. */
import * as path from 'node:path';
import { AzureLogger } from '@azure/logger';
import { loadSideBundle } from '../side-bundle';
import type * as Vendor from './vendor';

let routed = false;

export function loadVendor(): typeof Vendor {
  const vendor = loadSideBundle<typeof Vendor>('keyvault', path.join(__dirname, 'vendor'));
  // The side bundle has its own copy of the SDK's logger: its lines (AZURE_LOG_LEVEL) take the
  // same redacted path to stderr as every other SDK line (step.ts).
  if (!routed && vendor.AzureLogger !== AzureLogger)
    vendor.AzureLogger.log = (...args: unknown[]) => AzureLogger.log(...args);
  routed = true;
  return vendor;
}
