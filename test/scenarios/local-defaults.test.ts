import { describe, expect, it } from 'vitest';
import { LOCAL_JWT_SECRET, loadConfig } from '../../lib/config.ts';
import {
  LOCAL_ANON_KEY,
  LOCAL_API_URL,
  LOCAL_POSTBACK_SECRET as SCENARIO_POSTBACK_SECRET,
} from '../../scenarios/lib/local-defaults.ts';
import { LOCAL_POSTBACK_SECRET } from '../../stack/lifecycle.ts';
import { localKeys } from '../../stack/server/keys.ts';

describe('scenario defaults for the local stack', () => {
  it('match the keys, secret and port the stack itself uses', async () => {
    expect(LOCAL_ANON_KEY).toBe((await localKeys(LOCAL_JWT_SECRET)).anonKey);
    expect(SCENARIO_POSTBACK_SECRET).toBe(LOCAL_POSTBACK_SECRET);
    expect(LOCAL_API_URL).toBe(`http://127.0.0.1:${loadConfig({ env: {} }).api.port}`);
  });
});
