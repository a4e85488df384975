import { describe, expect, it } from 'vitest';
import { isSecretParamName, maskSecrets, maskSecretsDeep, maskUrl, secretsInUrl } from '../../src/domain/secrets.js';
import { scrub, scrubbingLogger } from '../../src/log.js';
import { recordingLogger } from '../helpers/sources.js';

describe('URLs and messages shown without their secrets', () => {
  it('masks the user and password of a URL and the values of key-like parameters, and keeps the rest', () => {
    expect(maskUrl('https://user:pa55word@host.example.org/feed?api_key=XYZ&page=2')).toBe(
      'https://***@host.example.org/feed?api_key=***&page=2',
    );
    expect(maskUrl('https://TOKEN123@github.example/x')).toBe('https://***@github.example/x');
    expect(maskUrl('postgres://paperboy:p%40ss@db:5432/paperboy')).toBe('postgres://***@db:5432/paperboy');
    expect(
      maskUrl(
        'https://s3.example/b/o?X-Amz-Algorithm=AWS4&X-Amz-Credential=AKIA%2F1&X-Amz-Signature=abc&X-Amz-Security-Token=t',
      ),
    ).toBe(
      'https://s3.example/b/o?X-Amz-Algorithm=AWS4&X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Security-Token=***',
    );
    expect(maskUrl('https://h/cb#access_token=abc&state=1')).toBe('https://h/cb#access_token=***&state=1');
    expect(maskUrl('https://h/x;jsessionid=abc')).toBe('https://h/x;jsessionid=***');
    // Nothing to hide: unchanged, byte for byte.
    for (const url of [
      'https://export.arxiv.org/api/query?search_query=cat:cs.LG&start=0&max_results=100',
      'https://huggingface.co/api/daily_papers?date=2024-03-21',
      'http://127.0.0.1:8080/feed?keywords=a&sort=new',
    ]) {
      expect(maskUrl(url)).toBe(url);
    }
  });

  it('knows secret parameter names in any case and spelling', () => {
    for (const name of [
      'key',
      'KEY',
      'api_key',
      'apiKey',
      'api-key',
      'apikey',
      'token',
      'access_token',
      'auth_token',
      'secret',
      'client_secret',
      'password',
      'passwd',
      'pass',
      'pwd',
      'auth',
      'signature',
      'sig',
      'session',
      'sessionid',
      'X-Amz-Signature',
      'X-Goog-Credential',
      'private_token',
      'api%5Fkey',
    ]) {
      expect(isSecretParamName(name), name).toBe(true);
    }
    for (const name of [
      'page',
      'q',
      'query',
      'search_query',
      'date',
      'start',
      'max_results',
      'category',
      'keywords',
      'format',
      'lang',
    ]) {
      expect(isSecretParamName(name), name).toBe(false);
    }
  });

  it('finds the secret values of a URL, as written and decoded', () => {
    expect(secretsInUrl('https://user:pa%24%24word@h/x?api_key=XYZ&page=2')).toEqual([
      'pa%24%24word',
      'pa$$word',
      'XYZ',
    ]);
    expect(secretsInUrl('https://TOKEN123@h/x')).toEqual(['TOKEN123']);
    expect(secretsInUrl('https://h/x?page=2')).toEqual([]);
  });

  it('masks every URL in free text, and every known secret value wherever it stands', () => {
    const text =
      'fetch failed: https://user:pa55word@h/feed?api_key=XYZ&page=2: 401 for user "user" (password pa55word rejected), see pa55word%24';
    const known = secretsInUrl('https://user:pa55word%24@h/feed?api_key=XYZ').concat('pa55word');
    const masked = maskSecrets(text, known);
    expect(masked).toBe(
      'fetch failed: https://***@h/feed?api_key=***&page=2: 401 for user "user" (password *** rejected), see ***',
    );
    expect(maskSecrets('GET https://h/x?token=abcdef: HTTP 500 (see https://h/y?key=k1).')).toBe(
      'GET https://h/x?token=***: HTTP 500 (see https://h/y?key=***).',
    );
    // Values too short to replace safely in any text are left to the URL masking.
    expect(maskSecrets('XYZ and https://h/?token=XYZ', ['XYZ'])).toBe('XYZ and https://h/?token=***');
    expect(maskSecretsDeep({ a: ['https://u:secretpw@h/'], at: new Date(0), n: 1 }, [])).toEqual({
      a: ['https://***@h/'],
      at: new Date(0),
      n: 1,
    });
  });

  it('scrubs log lines: secret fields, URLs, and the known values, in the message and in the fields', () => {
    expect(scrub({ error: 'https://h/x?sig=abc' })).toEqual({ error: 'https://h/x?sig=***' });
    const { logger, lines } = recordingLogger();
    const known = ['hunter2-password'];
    scrubbingLogger(logger, () => known).error(
      'relay said hunter2-password is wrong at smtp://m:hunter2-password@relay',
      { error: 'again hunter2-password', password: 'x' },
    );
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'relay said *** is wrong at smtp://***@relay',
        fields: { error: 'again ***', password: '[redacted]' },
      },
    ]);
  });
});
