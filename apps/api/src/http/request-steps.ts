import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One step of the API's handling of a request before its route: true when it has answered the request itself. */
export type RequestStep = (request: FastifyRequest, reply: FastifyReply) => boolean | void | Promise<boolean | void>;

/** `onRequest`: before the body is read; `preValidation`: once it is, before the route's handler. */
export type RequestPhase = 'onRequest' | 'preValidation';

const registered = new WeakMap<FastifyInstance, Record<RequestPhase, RequestStep[]>>();

/**
 * Adds a step as a Fastify hook of its phase, in order. The steps are also kept, so that a request
 * Fastify refuses before any hook runs (a URL it cannot decode) goes through them all the same
 * (`runRequestSteps`).
 */
export function addRequestStep(fastify: FastifyInstance, phase: RequestPhase, step: RequestStep): void {
  let steps = registered.get(fastify);
  if (!steps) {
    steps = { onRequest: [], preValidation: [] };
    registered.set(fastify, steps);
  }
  steps[phase].push(step);
  const hook = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void => {
    let result: ReturnType<RequestStep>;
    try {
      result = step(request, reply);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (result instanceof Promise)
      result.then(
        (answered) => {
          if (answered !== true) done();
        },
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      );
    else if (result !== true) done();
  };
  if (phase === 'onRequest') fastify.addHook('onRequest', hook);
  else fastify.addHook('preValidation', hook);
}

/** Runs every step of the instance in order, as the hooks would; true when one has answered. */
export async function runRequestSteps(
  fastify: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<boolean> {
  const steps = registered.get(fastify);
  for (const step of [...(steps?.onRequest ?? []), ...(steps?.preValidation ?? [])])
    if ((await step(request, reply)) === true) return true;
  return false;
}
