/** Azure's nested error details reach the user: synchronous refusals, failed operations, Failed computes. */
import type { ComputeResource } from '@azure/arm-machinelearning';
import { toProductError } from '../../src/core/azure/errors';
import { pollLongRunningOperation } from '../../src/core/azure/poller';
import { errorDetailsOf, formatErrorDetails } from '../../src/core/contract/error-details';
import { AzureError } from '../../src/core/contract/errors';
import { SecretRedactor } from '../../src/core/contract/secrets';
import { provisioningFailure } from '../../src/core/execute/judge';
import { toObservedCompute } from '../../src/core/observe/from-arm';
import { createVirtualClock } from '../../testkit/virtual-clock';

const REASON = {
  code: 'BadRequestFormat',
  message: 'Specified kubernetes version 1.12.4 is not supported',
  details: [{ code: 'SupportedVersions', message: '1.29, 1.30' }],
};
const EXPECTED = [
  'BadRequest: The request is invalid',
  '  BadRequestFormat: Specified kubernetes version 1.12.4 is not supported',
  '    SupportedVersions: 1.29, 1.30',
].join('\n');

test('details are parsed from untyped JSON, nested, malformed entries dropped', () => {
  expect(errorDetailsOf([REASON, 'junk', null, {}, { message: 'only a message' }])).toEqual([
    REASON,
    { code: '', message: 'only a message' },
  ]);
  expect(formatErrorDetails(errorDetailsOf([REASON]))).toEqual([
    '  BadRequestFormat: Specified kubernetes version 1.12.4 is not supported',
    '    SupportedVersions: 1.29, 1.30',
  ]);
});

test('AzureError shows its details under the first line, before the recovery; withRecovery keeps them', () => {
  const e = new AzureError('BadRequest', 'The request is invalid', 400, undefined, [REASON]);
  expect(e.message).toBe(EXPECTED);
  expect(e.withRecovery('Nothing was changed.').message).toBe(`${EXPECTED}\nNothing was changed.`);
});

test('a synchronous RestError: details.error.details[] become typed details, secrets redacted in them', () => {
  const redactor = new SecretRedactor();
  redactor.add('s3cr3t-value-123');
  const rest = Object.assign(new Error('The request is invalid'), {
    name: 'RestError',
    statusCode: 400,
    details: {
      error: {
        code: 'BadRequest',
        message: 'The request is invalid',
        details: [{ ...REASON, details: [{ code: 'Echo', message: 'key s3cr3t-value-123' }] }],
      },
    },
  });
  const e = toProductError(rest, redactor) as AzureError;
  expect(e).toBeInstanceOf(AzureError);
  expect(e.details?.[0].code).toBe('BadRequestFormat');
  expect(e.message).toContain('  BadRequestFormat: Specified kubernetes version 1.12.4 is not supported');
  expect(e.message).toContain('    Echo: key ***');
  expect(e.message).not.toContain('s3cr3t-value-123');
});

test("an operation that ended Failed: the status body's error.details[] are in the outcome", async () => {
  const clock = createVirtualClock(0);
  const body = {
    status: 'Failed',
    error: { code: 'BadRequest', message: 'The request is invalid', details: [REASON] },
  };
  const outcome = await pollLongRunningOperation(
    {
      method: 'PUT',
      requestUrl: 'https://management.azure.com/x?api-version=2022-10-01',
      status: 201,
      header: (n) => (n.toLowerCase() === 'azure-asyncoperation' ? 'https://management.azure.com/op?x=1' : undefined),
    },
    {
      send: async () => ({ status: 200, header: () => undefined, bodyText: JSON.stringify(body) }),
      deadline: 3_600_000,
      clock,
    },
  );
  expect(outcome.error).toEqual({ code: 'BadRequest', message: 'The request is invalid', details: [REASON] });
});

test("a Failed compute: provisioningErrors[].error.details[] in the step's error and in the observed errors", () => {
  const compute = {
    properties: {
      computeType: 'AKS',
      provisioningState: 'Failed',
      provisioningErrors: [{ error: { code: 'BadRequest', message: 'The request is invalid', details: [REASON] } }],
    },
  } as unknown as ComputeResource;
  expect(provisioningFailure(compute, 'attach').message).toBe(EXPECTED);
  expect(toObservedCompute(compute).provisioningErrors).toEqual([
    'BadRequest: The request is invalid (BadRequestFormat: Specified kubernetes version 1.12.4 is not supported; SupportedVersions: 1.29, 1.30)',
  ]);
});
