// Types of the generated validator (gateway-validator.js); written by hand, stable.
import type { ErrorObject } from 'ajv';

/** Validates a parsed gateway spec; errors are left in `validate.errors`. */
declare const validate: {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
};
export default validate;
