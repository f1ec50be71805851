import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { reconstructPublicUrl, type HttpApiRequestLine } from '../../lib/security/public-url';

const API_DOMAIN = 'abc123.execute-api.us-east-1.amazonaws.com';

function httpApiEvent(overrides: {
  rawPath: string;
  rawQueryString?: string;
  stage?: string;
  domainName?: string;
  headers?: Record<string, string>;
}): HttpApiRequestLine {
  return {
    rawPath: overrides.rawPath,
    rawQueryString: overrides.rawQueryString ?? '',
    headers: overrides.headers ?? { host: overrides.domainName ?? API_DOMAIN },
    requestContext: { domainName: overrides.domainName ?? API_DOMAIN, stage: overrides.stage ?? '$default' },
  };
}

describe('public URL reconstruction (API Gateway HTTP API, payload 2.0)', () => {
  it('rebuilds the $default stage URL the fixtures were signed for', () => {
    const url = reconstructPublicUrl(httpApiEvent({ rawPath: '/call-status' }));
    assert.equal(url, `https://${API_DOMAIN}/call-status`);
  });

  it('appends the raw query string untouched (no re-encoding), and no "?" when it is empty', () => {
    const rawQueryString = 'From=%2B15559876543&To=%2B15551234567&CallSid=c-swml-0002&Direction=inbound';
    assert.equal(
      reconstructPublicUrl(httpApiEvent({ rawPath: '/swml', rawQueryString })),
      `https://${API_DOMAIN}/swml?${rawQueryString}`,
    );
    assert.equal(
      reconstructPublicUrl(httpApiEvent({ rawPath: '/swml', rawQueryString: 'a=%7e+b&c' })),
      `https://${API_DOMAIN}/swml?a=%7e+b&c`,
    );
  });

  it('encodes back what HTTP APIs decode in rawPath, leaving an encoded path as it is', () => {
    const decoded = reconstructPublicUrl(httpApiEvent({ rawPath: '/hooks/caf\u00e9 bar/"x"' }));
    assert.equal(decoded, `https://${API_DOMAIN}/hooks/caf%C3%A9%20bar/%22x%22`);
    const encoded = reconstructPublicUrl(httpApiEvent({ rawPath: '/hooks/caf%C3%A9%20bar' }), { local: true });
    assert.equal(encoded, `http://${API_DOMAIN}/hooks/caf%C3%A9%20bar`);
  });

  describe('named stage', () => {
    const table: Array<[rawPath: string, expectedPath: string, why: string]> = [
      ['/prod/call-status', '/prod/call-status', 'rawPath already carries the stage, as HTTP APIs send it'],
      ['/call-status', '/prod/call-status', 'a rawPath without the stage gets it'],
      ['/prod', '/prod', 'the stage root'],
      ['/production/call-status', '/prod/production/call-status', 'a segment that merely starts with the stage name'],
      ['/prod/prod/x', '/prod/prod/x', 'a route that repeats the stage name'],
    ];
    for (const [rawPath, expectedPath, why] of table) {
      it(`${rawPath} -> ${expectedPath} (${why})`, () => {
        assert.equal(
          reconstructPublicUrl(httpApiEvent({ rawPath, stage: 'prod' })),
          `https://${API_DOMAIN}${expectedPath}`,
        );
      });
    }
  });

  describe('configured public base URL (custom domain)', () => {
    const event = httpApiEvent({
      rawPath: '/call-status',
      rawQueryString: 'secret=s3',
      stage: 'prod',
      domainName: 'hooks.example.com',
    });

    it('replaces scheme, host and stage with the base URL', () => {
      assert.equal(
        reconstructPublicUrl(event, { publicBaseUrl: 'https://hooks.example.com/prefix' }),
        'https://hooks.example.com/prefix/call-status?secret=s3',
      );
    });

    it('ignores a trailing slash and works without a base path', () => {
      assert.equal(
        reconstructPublicUrl(event, { publicBaseUrl: 'https://hooks.example.com/prefix/' }),
        'https://hooks.example.com/prefix/call-status?secret=s3',
      );
      assert.equal(
        reconstructPublicUrl(event, { publicBaseUrl: 'https://hooks.example.com' }),
        'https://hooks.example.com/call-status?secret=s3',
      );
      assert.equal(
        reconstructPublicUrl(event, { publicBaseUrl: 'https://hooks.example.com:8443/' }),
        'https://hooks.example.com:8443/call-status?secret=s3',
      );
    });

    it('does not repeat a mapping key API Gateway already put in rawPath', () => {
      const mapped = httpApiEvent({ rawPath: '/prefix/call-status', domainName: 'hooks.example.com' });
      assert.equal(
        reconstructPublicUrl(mapped, { publicBaseUrl: 'https://hooks.example.com/prefix' }),
        'https://hooks.example.com/prefix/call-status',
      );
    });

    it('treats an empty base URL as not configured', () => {
      const onApiDomain = httpApiEvent({ rawPath: '/call-status' });
      assert.equal(reconstructPublicUrl(onApiDomain, { publicBaseUrl: '' }), `https://${API_DOMAIN}/call-status`);
    });
  });

  describe('attacker-controlled headers', () => {
    it('never reads Host or X-Forwarded-* in deployed mode', () => {
      // given a request whose forwarding headers name another host, scheme and port
      const event = httpApiEvent({
        rawPath: '/call-status',
        headers: {
          host: 'evil.example',
          'x-forwarded-host': 'evil.example',
          'x-forwarded-proto': 'http',
          'x-forwarded-port': '80',
        },
      });
      // when / then the URL is API Gateway's own
      assert.equal(reconstructPublicUrl(event), `https://${API_DOMAIN}/call-status`);
    });
  });

  describe('local development server', () => {
    it('uses http and the Host header, stage ignored', () => {
      const event = httpApiEvent({
        rawPath: '/call-status',
        rawQueryString: 'x=1',
        stage: 'local',
        headers: { host: 'localhost:3000' },
      });
      assert.equal(reconstructPublicUrl(event, { local: true }), 'http://localhost:3000/call-status?x=1');
    });

    it('takes local mode over a configured base URL, and falls back to localhost without a Host header', () => {
      const event = httpApiEvent({ rawPath: '/sms', headers: {} });
      assert.equal(
        reconstructPublicUrl(event, { local: true, publicBaseUrl: 'https://hooks.example.com' }),
        'http://localhost/sms',
      );
    });
  });

  it('accepts an aws-lambda APIGatewayProxyEventV2 as it is (checked by the compiler)', () => {
    const fromLambdaEvent = (event: APIGatewayProxyEventV2): string => reconstructPublicUrl(event);
    assert.equal(typeof fromLambdaEvent, 'function');
  });
});
