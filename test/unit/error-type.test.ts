/* errorTypeOf: the error.type value for a failed call. */
import OpenAI from 'openai';
import { errorTypeOf } from '../../src/core/error-type';

describe('errorTypeOf', () => {
  it.each([
    [400, 'BadRequestError'],
    [401, 'AuthenticationError'],
    [403, 'PermissionDeniedError'],
    [404, 'NotFoundError'],
    [409, 'ConflictError'],
    [422, 'UnprocessableEntityError'],
    [429, 'RateLimitError'],
    [500, 'InternalServerError'],
    [503, 'InternalServerError'],
    [418, 'APIError'],
  ])('openai SDK error for HTTP %i is %s', (status, name) => {
    const err = OpenAI.APIError.generate(status, { error: { message: 'm' } }, 'm', new Headers());
    expect(errorTypeOf(err)).toBe(name);
  });

  it('openai SDK connection, timeout and abort errors', () => {
    expect(errorTypeOf(new OpenAI.APIConnectionError({ message: 'down' }))).toBe('APIConnectionError');
    expect(errorTypeOf(new OpenAI.APIConnectionTimeoutError())).toBe('APIConnectionTimeoutError');
    expect(errorTypeOf(new OpenAI.APIUserAbortError())).toBe('APIUserAbortError');
    expect(errorTypeOf(new OpenAI.OpenAIError('x'))).toBe('OpenAIError');
  });

  it('built-in and custom error classes give their class name', () => {
    expect(errorTypeOf(new Error('x'))).toBe('Error');
    expect(errorTypeOf(new TypeError('x'))).toBe('TypeError');
    expect(errorTypeOf(new SyntaxError('x'))).toBe('SyntaxError');
    class MyProviderError extends Error {}
    expect(errorTypeOf(new MyProviderError('x'))).toBe('MyProviderError');
    expect(errorTypeOf(new DOMException('aborted', 'AbortError'))).toBe('DOMException');
  });

  it('an error-like plain object falls back to its numeric HTTP status', () => {
    expect(errorTypeOf({ status: 503, message: 'unavailable' })).toBe('503');
    expect(errorTypeOf(Object.assign(Object.create(null) as object, { status: 429 }))).toBe('429');
  });

  it('an instance of an anonymous class falls back to its status, then _OTHER', () => {
    const Anonymous = [class {}][0]!;
    expect(Anonymous.name).toBe('');
    expect(errorTypeOf(Object.assign(new Anonymous(), { status: 500 }))).toBe('500');
    expect(errorTypeOf(new Anonymous())).toBe('_OTHER');
  });

  it.each([
    ['a string', 'boom'],
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an empty object', {}],
    ['a non-numeric status', { status: '500' }],
  ])('%s is _OTHER', (_label, value) => {
    expect(errorTypeOf(value)).toBe('_OTHER');
  });

  it('never throws, even for hostile objects', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
    expect(errorTypeOf(hostile)).toBe('_OTHER');
    const getter = Object.defineProperty({}, 'constructor', {
      get() {
        throw new Error('getter');
      },
    });
    expect(errorTypeOf(getter)).toBe('_OTHER');
  });
});
