import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

describe('parseConfig', () => {
  it('fills every default', () => {
    expect(parseConfig({})).toEqual({
      SNAPSHOT_PREFIX: '',
      SNAPSHOT_URL: undefined,
      REFRESH_SECONDS: 60,
      RETRY_SECONDS: 10,
      MEMORY_BUDGET_MB: 64,
      DEFAULT_LIMIT: 10,
      MAX_LIMIT: 100,
      ANSWER_CACHE_MB: 8,
      CACHE_MAX_AGE: 300,
      CORS_ORIGINS: '*',
    });
  });

  it('reads strings as Workers vars and process.env deliver them, ignoring other keys', () => {
    const config = parseConfig({ REFRESH_SECONDS: '5', MAX_LIMIT: '20', SNAPSHOT_URL: 'https://cdn.example/snap/', SNAPSHOTS: {} });
    expect(config.REFRESH_SECONDS).toBe(5);
    expect(config.MAX_LIMIT).toBe(20);
    expect(config.SNAPSHOT_URL).toBe('https://cdn.example/snap/');
  });

  it('says which setting is wrong', () => {
    expect(() => parseConfig({ REFRESH_SECONDS: 'soon' })).toThrow(/REFRESH_SECONDS/);
    expect(() => parseConfig({ SNAPSHOT_URL: 'ftp://x' })).toThrow(ConfigError);
    expect(() => parseConfig({ DEFAULT_LIMIT: '50', MAX_LIMIT: '20' })).toThrow(/DEFAULT_LIMIT/);
  });
});
