/** After every test file: no request record written during it holds a key (see test/support/secret-scan.ts). */
import { afterAll, expect } from 'vitest';
import { findSecrets, recordsWritten } from '../support/secret-scan.ts';

afterAll(() => {
  expect(findSecrets(recordsWritten()), 'request records must not contain keys').toEqual([]);
});
