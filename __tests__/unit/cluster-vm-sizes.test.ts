import { describeVmSize } from '../../src/core/cluster/vm-sizes';

test.each([
  // Dv2/DSv2 and v1: the number is an index (table)
  ['Standard_D3_v2', 4],
  ['Standard_DS3_v2', 4],
  ['Standard_D2_v2', 2],
  ['Standard_D4_v2', 8],
  ['Standard_D5_v2', 16],
  ['Standard_D11_v2', 2],
  ['Standard_DS15_v2', 20],
  ['Standard_D3', 4],
  ['Standard_D2_v2_Promo', 2],
  // Naming convention: the number is the vCPU count
  ['Standard_D2s_v3', 2],
  ['Standard_D4s_v5', 4],
  ['standard_d8ads_v5', 8],
  ['Standard_E8-2ds_v5', 2],
  ['Standard_F16s_v2', 16],
  ['Standard_B2ms', 2],
  ['Standard_A4m_v2', 4],
  ['Standard_NC6s_v3', 6],
  ['Standard_NC4as_T4_v3', 4],
  ['Standard_NC24ads_A100_v4', 24],
  ['Standard_HB120rs_v3', 120],
  ['Standard_PB6s', 6],
  // Unknown: names that do not tell
  ['Standard_A3', undefined],
  ['Standard_G3', undefined],
  ['Standard_DS11-1_v2', undefined],
  ['Custom_Size', undefined],
  ['', undefined],
])('%s has %s vCPUs', (size, vcpus) => {
  expect(describeVmSize(size).vcpus).toBe(vcpus);
});

test.each([
  ['Standard_NC6s_v3', 'GPU'],
  ['Standard_ND96asr_v4', 'GPU'],
  ['Standard_NV12s_v3', 'GPU'],
  ['Standard_PB6s', 'FPGA'],
  ['Standard_NP10s', 'FPGA'],
  ['Standard_D4s_v5', undefined],
  ['Standard_DS3_v2', undefined],
])('%s accelerator: %s', (size, accelerator) => {
  expect(describeVmSize(size).accelerator).toBe(accelerator);
});
