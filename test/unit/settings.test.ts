import { describe, expect, it } from 'vitest';
import { configSecrets, loadConfig } from '../../src/config.js';
import { effectiveSettings } from '../../src/settings/effective.js';
import { readSettings } from '../../src/settings/read.js';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
const message = (env: Record<string, string>) => {
  try {
    loadConfig(env, '/srv/pb');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('loadConfig accepted it');
};

describe('settings', () => {
  it('names every bad variable at once, with what it accepts, in table order', () => {
    expect(message({ FETCH_RETRIES: '99', PORT: 'eighty', CONSENT_LOG_IP: 'maybe' })).toBe(
      'PORT=eighty is not a whole number between 0 and 65535; CONSENT_LOG_IP=maybe is not a yes/no value (use true or false); ' +
        'FETCH_RETRIES=99 is not a whole number between 0 and 10',
    );
  });

  it('never echoes a value that may be a secret', () => {
    const secrets = {
      PAPERBOY_SECRET: 'short-secret',
      ADMIN_TOKEN: 'short-token',
      SMTP_URL: 'http://me:hunter2@relay',
    };
    const text = message({ ...secrets, DKIM_DOMAIN: 'example.org', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: 'hunter3' });
    expect(text).toBe(
      'PAPERBOY_SECRET must be at least 32 characters (or unset, to have one generated); ' +
        'ADMIN_TOKEN must be at least 24 characters (or unset, to turn the admin API off); ' +
        'SMTP_URL must start with smtp:// or smtps://; DKIM_PRIVATE_KEY must be a PEM private key',
    );
    for (const value of ['short-secret', 'short-token', 'hunter2', 'hunter3']) expect(text).not.toContain(value);
    expect(message({ DKIM_DOMAIN: 'example.org', DKIM_PRIVATE_KEY: PEM })).toBe(
      'DKIM needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY together',
    );
  });

  it('reports a refused value once, not again in the defaults built on it', () => {
    // PUBLIC_URL defaults to http://localhost:$PORT, DATABASE_URL to $PAPERBOY_DATA_DIR/paperboy.db.
    expect(message({ PORT: '-1' })).toBe('PORT=-1 is not a whole number between 0 and 65535');
  });

  it('builds defaults on the settings they name, and resolves paths from the working directory', () => {
    const config = loadConfig({ PAPERBOY_DATA_DIR: 'state', PORT: '9000' }, '/srv/pb');
    expect(config.dataDir).toBe('/srv/pb/state');
    expect(config.database).toEqual({ kind: 'sqlite', path: '/srv/pb/state/paperboy.db', lockTimeoutMs: 60_000 });
    expect(config.sources.file).toBe('/srv/pb/state/sources.json');
    expect(config.outboxDir).toBe('/srv/pb/state/outbox');
    expect(config.publicUrl).toBe('http://localhost:9000');
    // Unset, PUBLIC_URL is only this machine: crawlers are told the project's address instead.
    expect(config.sources.userAgent).toBe('Paperboy/0.1 (+https://github.com/paperboy)');
    const set = loadConfig(
      { PUBLIC_URL: 'https://papers.example.org/', FETCH_CONTACT: 'ops@example.org', SOURCES_FILE: 'conf/s.json' },
      '/srv/pb',
    );
    expect(set.publicUrl).toBe('https://papers.example.org');
    expect(set.sources.userAgent).toBe('Paperboy/0.1 (+https://papers.example.org; mailto:ops@example.org)');
    expect(set.sources.file).toBe('/srv/pb/conf/s.json');
  });

  it('says where each value comes from; an empty variable is unset', () => {
    const { values, sources } = readSettings({ PORT: '9000', HOST: '', MAX_LATE_HOURS: '' }, '/srv/pb');
    expect([sources.PORT, values.PORT]).toEqual(['env', 9000]);
    expect([sources.HOST, values.HOST]).toEqual(['default', '127.0.0.1']);
    expect([sources.MAX_LATE_HOURS, values.MAX_LATE_HOURS]).toEqual(['unset', undefined]);
    expect(loadConfig({ MAX_LATE_HOURS: '0' }, '/srv/pb').schedule.maxLateHours).toBe(0);
  });

  it('shows the settings in effect with secrets and credentials masked', () => {
    const env = {
      PAPERBOY_SECRET: 'x'.repeat(40),
      ADMIN_TOKEN: 'admin-token-admin-token-1',
      SMTP_URL: 'smtps://mailer:hunter2@relay.example.org:465',
      DATABASE_URL: 'postgres://pb:dbpass99@db.example.org/paperboy',
      // A secret pasted where it does not belong is masked there too.
      FETCH_CONTACT: 'admin-token-admin-token-1',
      DKIM_DOMAIN: 'example.org',
      DKIM_SELECTOR: 's1',
      DKIM_PRIVATE_KEY: PEM,
    };
    const shown = effectiveSettings(readSettings(env, '/srv/pb'), configSecrets(loadConfig(env, '/srv/pb')));
    const byName = Object.fromEntries(shown.map((s) => [s.name, s]));
    expect(byName.PAPERBOY_SECRET).toEqual({ name: 'PAPERBOY_SECRET', group: 'Web', source: 'env', value: '***' });
    expect(byName.DKIM_PRIVATE_KEY?.value).toBe('***');
    expect(byName.SMTP_URL?.value).toBe('smtps://***@relay.example.org:465');
    expect(byName.DATABASE_URL?.value).toBe('postgres://***@db.example.org/paperboy');
    expect(byName.FETCH_CONTACT?.value).toBe('***');
    expect(byName.DELIVERY_CLAIM_BATCH).toMatchObject({ source: 'default', value: '16' });
    expect(byName.MAX_LATE_HOURS).toEqual({
      name: 'MAX_LATE_HOURS',
      group: 'Digests',
      source: 'unset',
      value: null,
      note: 'sent late',
    });
    // The declared secrets are masked by their declaration alone, without the list of known values.
    const alone = Object.fromEntries(effectiveSettings(readSettings(env, '/srv/pb'), []).map((s) => [s.name, s.value]));
    expect([alone.PAPERBOY_SECRET, alone.ADMIN_TOKEN, alone.DKIM_PRIVATE_KEY]).toEqual(['***', '***', '***']);
    expect(alone.SMTP_URL).toBe('smtps://***@relay.example.org:465');
    const all = JSON.stringify(shown);
    for (const secret of ['hunter2', 'dbpass99', 'admin-token-admin-token-1', 'x'.repeat(40), 'MIIEvQ'])
      expect(all).not.toContain(secret);
  });
});
