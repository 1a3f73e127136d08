/**
 * A PUT of a JSON body exactly as given, through the client's authenticated pipeline. The update
 * in place needs it: the SDK's serializer keeps only the properties its models know, and the
 * renewal flag `sslConfiguration.renew` (azureml-core's, not in the 2022-10-01 models) would be
 * dropped. Failures are thrown as the SDK throws them (a RestError with the parsed body as
 * `details`), so the same classification and error wording apply.
 */
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import type { ServiceClient } from '@azure/core-client';
import type { RawAnswer } from './arm-requests';

export async function putJson(
  client: ServiceClient,
  url: string,
  body: unknown,
  abortSignal: AbortSignal,
  onResponse: (raw: RawAnswer) => void,
): Promise<void> {
  const request = createPipelineRequest({
    url,
    method: 'PUT',
    body: JSON.stringify(body),
    headers: createHttpHeaders({ 'content-type': 'application/json', accept: 'application/json' }),
    abortSignal,
  });
  const response = await client.sendRequest(request);
  onResponse({ status: response.status, headers: response.headers, request });
  if (response.status < 400) return;
  let details: unknown;
  try {
    details = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
  } catch {
    details = undefined;
  }
  const error = (details as { error?: { code?: string; message?: string } } | undefined)?.error;
  const failure = new RestError(error?.message ?? `Azure answered ${response.status} to the PUT`, {
    code: error?.code,
    statusCode: response.status,
    request,
    response,
  });
  failure.details = details;
  throw failure;
}
