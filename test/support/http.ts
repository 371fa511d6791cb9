/**
 * Raw HTTP for the suites that send what no client would (malformed bodies, headers and paths, or
 * requests from a chosen source address): supertest or node:http, with every response checked
 * against the OpenAPI document all the same. A path the document does not have must still answer
 * the problem body.
 */
import http from 'node:http';
import supertest from 'supertest';
import { assertDescribed } from './openapi-contract.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options' | 'head';

function described(test: supertest.Test, method: Method, path: string): supertest.Test {
  const end = test.end.bind(test);
  test.end = (callback) =>
    end((error, res) => {
      if (!error && res) {
        try {
          assertDescribed({
            method,
            path,
            status: res.status,
            headers: res.headers as Record<string, string>,
            text: method === 'head' ? '' : (res.text ?? ''),
          });
        } catch (violation) {
          return callback?.(violation as Error, res);
        }
      }
      return callback?.(error, res);
    });
  return test;
}

/** `request(url).post(path)` as supertest has it, each response checked against the document. */
export function request(url: string): Record<Method, (path: string) => supertest.Test> {
  const agent = supertest(url);
  const method = (name: Method) => (path: string) => described(agent[name](path), name, path);
  return {
    get: method('get'),
    post: method('post'),
    put: method('put'),
    patch: method('patch'),
    delete: method('delete'),
    options: method('options'),
    head: method('head'),
  };
}

/** A GET from a chosen loopback source address (the whole of 127.0.0.0/8 is this machine), its answer checked against the document. */
export function getFrom(
  url: string,
  path: string,
  localAddress: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { localAddress, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        const answer = { status: res.statusCode ?? 0, headers: res.headers, body };
        try {
          assertDescribed({
            method: 'GET',
            path,
            status: answer.status,
            headers: res.headers as Record<string, string>,
            text: body,
          });
        } catch (violation) {
          return reject(violation as Error);
        }
        resolve(answer);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export type { Response } from 'supertest';
