/**
 * The installed log policy at AZURE_LOG_LEVEL=info, inside a step: request and response headers
 * reach stderr sanitised (the Node 20 runtime, @typespec/ts-http-runtime 0.3.6, does not sanitise
 * response headers by itself), and lines of other shapes are left alone.
 */
import { createHttpHeaders, createPipelineRequest, logPolicy } from '@azure/core-rest-pipeline';
import { getLogLevel, setLogLevel } from '@azure/logger';
import { InputError } from '../../src/core/contract/errors';
import { sanitizeSdkHeadersLine } from '../../src/core/azure/sdk-log';
import { runStep } from '../../src/core/step';
import { recordingPlatform } from '../../testkit/recording-platform';

test('response headers logged by the SDK are sanitised on stderr while a step runs', async () => {
  const level = getLogLevel();
  const written: string[] = [];
  const spy = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
  try {
    setLogLevel('info');
    await runStep(recordingPlatform(), async () => {
      const request = createPipelineRequest({
        url: 'https://management.azure.com/x?api-version=1&sig=SECRET-SIG',
        headers: createHttpHeaders({ authorization: 'Bearer SECRET-TOKEN' }),
      });
      await logPolicy().sendRequest(request, async (r) => ({
        request: r,
        status: 200,
        headers: createHttpHeaders({
          'set-cookie': 'SECRET-COOKIE',
          'x-ms-secret-header': 'SECRET-HEADER',
          'x-ms-request-id': 'req-1',
        }),
      }));
      throw new InputError([{ input: 'compute-name', message: 'stop here' }]);
    });
  } finally {
    spy.mockRestore();
    setLogLevel(level);
  }
  const log = written.join('');
  expect(log).toContain('Response status code: 200');
  expect(log).toContain('"x-ms-request-id": "req-1"');
  for (const secret of ['SECRET-COOKIE', 'SECRET-HEADER', 'SECRET-TOKEN', 'SECRET-SIG'])
    expect(log).not.toContain(secret);
});

test('other lines, already-sanitised lines and non-JSON are unchanged', () => {
  expect(sanitizeSdkHeadersLine('azure:identity:info something Headers: {"a":"b"}')).toBe(
    'azure:identity:info something Headers: {"a":"b"}',
  );
  const sanitised = 'azure:core-rest-pipeline:info Headers: {\n  "headers": {\n    "set-cookie": "REDACTED"\n  }\n}';
  expect(sanitizeSdkHeadersLine(sanitised)).toBe(sanitised);
  expect(sanitizeSdkHeadersLine('azure:x:info Headers: {not json')).toBe('azure:x:info Headers: {not json');
  expect(sanitizeSdkHeadersLine('azure:x:info Headers: {"set-cookie":"c","x-ms-request-id":"r"}')).toMatch(
    /"set-cookie": "REDACTED"[\s\S]*"x-ms-request-id": "r"/,
  );
});
