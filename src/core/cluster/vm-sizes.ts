/**
 * vCPUs of an Azure VM size, for the how-to's production rule ("at least 12 virtual CPUs"), and
 * whether a size is a GPU or FPGA size (models on such nodes only work in the default pool).
 *
 * Sources of the figures:
 * - Sizes whose names do not state their vCPUs (the Dv2/DSv2 generation and its v1
 *   predecessors): the Microsoft Learn pages "Dv2 and DSv2-series" and "Previous generations of
 *   virtual machine sizes" (learn.microsoft.com/azure/virtual-machines/sizes), copied into
 *   LEGACY_VCPUS below.
 * - Every other size of the families in NAMING_FAMILIES: the documented naming convention
 *   "[Family] + [Sub-family]* + [# of vCPUs] + [Constrained vCPUs]* + [Additive Features] +
 *   [Accelerator Type]* + [Version]" (learn.microsoft.com/azure/virtual-machines/vm-naming-conventions),
 *   e.g. Standard_D4s_v5 → 4, Standard_E8-2ds_v5 → 2 active vCPUs, Standard_NC6s_v3 → 6.
 * Anything else is unknown (undefined): the caller warns and skips the vCPU rule rather than guess.
 */

/** Dv2/DSv2 (and D/DS v1) sizes: the number in the name is an index, not a vCPU count. */
const LEGACY_VCPUS: Readonly<Record<string, number>> = {
  d1: 1,
  d2: 2,
  d3: 4,
  d4: 8,
  d5: 16,
  d11: 2,
  d12: 4,
  d13: 8,
  d14: 16,
  d15: 20,
};

/**
 * Families whose size names follow the naming convention (number = vCPUs) in every version that
 * AKS offers. D and DS follow it from v3 on only (handled separately); basic A (A0-A11) and G/GS
 * do not follow it and are left unknown.
 */
const NAMING_FAMILIES = new Set([
  'b',
  'dc',
  'e',
  'ec',
  'f',
  'fx',
  'h',
  'hb',
  'hc',
  'l',
  'm',
  'nc',
  'ncc',
  'nd',
  'ng',
  'np',
  'nv',
  'pb',
]);

const SIZE_NAME = /^standard_([a-z]+?)(\d+)(?:-(\d+))?([a-z]*)((?:_[a-z0-9]+)*?)(?:_v(\d+))?(?:_promo)?$/;

export interface VmSizeInfo {
  readonly vcpus?: number;
  /** GPU (N-series) or FPGA (NP, PB) size. */
  readonly accelerator?: 'GPU' | 'FPGA';
}

export function describeVmSize(vmSize: string | undefined): VmSizeInfo {
  const m = SIZE_NAME.exec((vmSize ?? '').trim().toLowerCase());
  if (!m) return {};
  const [, family, digits, constrained, , , versionText] = m;
  const version = versionText === undefined ? 1 : Number(versionText);
  const accelerator = family === 'np' || family === 'pb' ? 'FPGA' : family.startsWith('n') ? 'GPU' : undefined;
  return {
    vcpus: vcpusOf(family, Number(digits), constrained === undefined ? undefined : Number(constrained), version),
    accelerator,
  };
}

function vcpusOf(family: string, number: number, constrained: number | undefined, version: number): number | undefined {
  if (family === 'd' || family === 'ds') {
    if (version <= 2) return constrained === undefined ? LEGACY_VCPUS[`d${number}`] : undefined;
    return constrained ?? number;
  }
  // Av2 (A2_v2, A4m_v2) follows the convention; the basic A0-A11 do not.
  if (family === 'a' || family === 'am') return version >= 2 ? (constrained ?? number) : undefined;
  if (!NAMING_FAMILIES.has(family)) return undefined;
  return constrained ?? number;
}
