import { diag } from '@opentelemetry/api';
import { TIME_PER_OUTPUT_CHUNK_ENV, resolveTimePerOutputChunk } from '../../src/core/chunk-timing';

describe('resolveTimePerOutputChunk', () => {
  afterEach(() => jest.restoreAllMocks());

  it('records by default', () => {
    expect(resolveTimePerOutputChunk(undefined, {})).toBe(true);
  });

  it('follows the option', () => {
    expect(resolveTimePerOutputChunk(false, {})).toBe(false);
    expect(resolveTimePerOutputChunk(true, {})).toBe(true);
  });

  it('the variable wins over the option (any case, trimmed)', () => {
    expect(resolveTimePerOutputChunk(true, { [TIME_PER_OUTPUT_CHUNK_ENV]: ' FALSE ' })).toBe(false);
    expect(resolveTimePerOutputChunk(false, { [TIME_PER_OUTPUT_CHUNK_ENV]: 'true' })).toBe(true);
    expect(resolveTimePerOutputChunk(false, { [TIME_PER_OUTPUT_CHUNK_ENV]: '' })).toBe(false);
  });

  it('an unreadable value means the default, with a diag warning', () => {
    const warn = jest.spyOn(diag, 'warn').mockImplementation(() => undefined);
    expect(resolveTimePerOutputChunk(false, { [TIME_PER_OUTPUT_CHUNK_ENV]: 'no' })).toBe(true);
    expect(resolveTimePerOutputChunk('no', {})).toBe(true);
    expect(warn).toHaveBeenCalledTimes(2);
  });
});
