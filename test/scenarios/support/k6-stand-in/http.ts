/** Stand-in for `k6/http`: asyncRequest records each call and answers from a queue the test fills. */
export interface Call {
  method: string;
  url: string;
  body: unknown;
  params: {
    headers?: Record<string, string>;
    tags?: Record<string, string>;
    responseCallback?: unknown;
    timeout?: string;
  };
}

export const calls: Call[] = [];
export const answers: { status: number; body?: string; headers?: Record<string, string>; error?: string }[] = [];

function expectedStatuses(...statuses: number[]): { expected: number[] } {
  return { expected: statuses };
}

async function asyncRequest(method: string, url: string, body: unknown, params: Call['params']) {
  calls.push({ method, url, body, params });
  const answer = answers.shift() ?? { status: 200, body: '[]' };
  return { status: answer.status, body: answer.body, headers: answer.headers ?? {}, error: answer.error ?? '' };
}

export default { asyncRequest, expectedStatuses };
