/**
 * Masks anything shaped like a credential in text that leaves the gateway (errors relayed
 * from providers, log fields): providers sometimes quote part of a key in their errors.
 * @module
 */

const SHAPES: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_*-]{8,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{8,}/g,
];

/** `text` with credential-shaped substrings replaced by `[redacted]`, cut to `max` characters. */
export function maskSecrets(text: string, max = 500): string {
  let out = text.length > max ? `${text.slice(0, max)}…` : text;
  for (const shape of SHAPES) out = out.replace(shape, '[redacted]');
  return out;
}
