/**
 * Raw HTTP for the suites that send what no client would (malformed bodies, headers and paths):
 * supertest, with every response checked against the OpenAPI document all the same. A path the
 * document does not have must still answer the problem body.
 */
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

export type { Response } from 'supertest';
