import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger/logger.js';
import { maskError } from '../src/http/operations.js';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('maskError', () => {
  it('masks unexpected errors completely', () => {
    const masked = maskError(
      {
        message: 'insert into "User" violates constraint at http://127.0.0.1:4001/graphql',
        path: ['signUp'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x (/srv/app.ts:1)'] },
      },
      logger,
    );
    expect(masked).toEqual({ message: 'Internal server error', path: ['signUp'], extensions: { code: 'INTERNAL' } });
  });

  it('passes registry codes through without stack or service name', () => {
    const masked = maskError(
      { message: 'Invalid input: input.email', extensions: { code: 'VALIDATION_FAILED', fields: [{ field: 'input.email', message: 'bad' }], stacktrace: ['x'], serviceName: 'auth' } },
      logger,
    );
    expect(masked.extensions).toEqual({ code: 'VALIDATION_FAILED', fields: [{ field: 'input.email', message: 'bad' }] });
  });
});
