/**
 * Judges setup()'s probes of the target: each function returns the sentence to stop the run with,
 * or undefined when the probe passed. Pure, so every message is unit-tested without a server.
 */
import { sameBaseUrl } from './manifest.ts';

export interface ProbeAnswer {
  readonly status: number;
  /** Transport error when there was no answer (status 0). */
  readonly error: string;
  readonly json: unknown;
}

const noAnswer = (url: string, answer: ProbeAnswer, setting: string) =>
  `cannot reach ${url} (${answer.error || 'no answer'}); is the target up (local: npm run stack -- up) and ${setting} right?`;

export function healthProblem(url: string, answer: ProbeAnswer): string | undefined {
  if (answer.status === 0) return noAnswer(url, answer, 'K6_API_URL');
  if (answer.status !== 200)
    return `GET ${url} answered ${answer.status}, expected 200: the app API is not healthy (K6_API_URL)`;
  return undefined;
}

export function targetProblem(manifestPath: string, manifestApiUrl: string, apiUrl: string): string | undefined {
  if (sameBaseUrl(manifestApiUrl, apiUrl)) return undefined;
  return (
    `seed manifest ${manifestPath} was made for ${manifestApiUrl}, but this run targets ${apiUrl}: its users and ` +
    'products do not exist there. Seed this target, or set K6_MANIFEST / K6_API_URL to match'
  );
}

export function apiKeyProblem(url: string, answer: ProbeAnswer): string | undefined {
  if (answer.status === 0) return noAnswer(url, answer, 'K6_SUPABASE_URL');
  if (answer.status === 401 || answer.status === 403) {
    return `the Data API refused K6_ANON_KEY (GET ${url} answered ${answer.status}${messageOf(answer)}); set K6_ANON_KEY to the project's publishable key (sb_publishable_…) or legacy anon key`;
  }
  if (answer.status !== 200)
    return `GET ${url} answered ${answer.status}${messageOf(answer)}, expected 200 (K6_SUPABASE_URL, K6_ANON_KEY)`;
  return undefined;
}

export function tokenProblem(url: string, email: string, answer: ProbeAnswer): string | undefined {
  if (answer.status === 200) return undefined;
  if (answer.status === 401 || answer.status === 403) {
    return (
      `the manifest's access token for ${email} was refused (GET ${url} answered ${answer.status}${messageOf(answer)}): ` +
      'tokens expire, and a target with another JWT secret rejects them. Re-run npm run seed for this target'
    );
  }
  return `GET ${url} with a manifest token answered ${answer.status}${messageOf(answer)}, expected 200`;
}

export function seededProductProblem(productId: string, runId: string, answer: ProbeAnswer): string | undefined {
  if (answer.status === 200 && Array.isArray(answer.json) && answer.json.length === 1) return undefined;
  return (
    `product ${productId} of seed run ${runId} is not on the target (Data API answered ${answer.status}` +
    `${Array.isArray(answer.json) ? ` with ${answer.json.length} rows` : ''}): the run was cleaned or the manifest belongs to another database`
  );
}

function messageOf(answer: ProbeAnswer): string {
  const json = answer.json;
  if (typeof json === 'object' && json !== null) {
    const record = json as Record<string, unknown>;
    const text = record.message ?? record.msg ?? record.error_description ?? record.detail ?? record.error;
    if (typeof text === 'string') return `: "${text}"`;
  }
  return '';
}
