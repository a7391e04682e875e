/**
 * API keys of one consumer: added, removed, rotated (same label, new key) and expiry changes.
 * Key hashes print shortened to 8 hex characters; secret keys print as their secret's name.
 */
import type { PlanApiKey } from '../../../runtime/plan.ts';
import { added, changed, flagIf, removed } from '../change.ts';
import { formatTimestamp } from '../format/date.ts';
import type { Finding } from '../types.ts';

/** Hex characters of a key hash that may be printed. */
export const HASH_PREFIX_LENGTH = 8;

/** The key's reference: `sha256 6e8d84bb…` or `secret sluice/keys/team-support-next`. */
export function keyRef(key: PlanApiKey): string {
  return key.kind === 'sha256' ? `sha256 ${key.sha256.slice(0, HASH_PREFIX_LENGTH)}…` : `secret ${key.secret}`;
}

/** How a message names a key: its label in quotes, else its reference. */
export function keyName(key: PlanApiKey): string {
  return key.label !== null ? `"${key.label}"` : keyRef(key);
}

/** The key as JSON output may show it: the hash shortened, everything else as is. */
export function maskedKey(key: PlanApiKey): Record<string, unknown> {
  const ref = key.kind === 'sha256' ? { sha256: `${key.sha256.slice(0, HASH_PREFIX_LENGTH)}…` } : { secret: key.secret };
  return { kind: key.kind, ...ref, label: key.label, expiresAt: key.expiresAt };
}

function identity(key: PlanApiKey): string {
  return key.kind === 'sha256' ? `sha256:${key.sha256}` : `secret:${key.secret}`;
}

/** A later expiry, or none where there was one, keeps a key working longer. */
function expiryLoosened(before: number | null, after: number | null): boolean {
  return before !== null && (after === null || after > before);
}

function expiryText(before: PlanApiKey, after: PlanApiKey): string {
  return `expiry ${formatTimestamp(before.expiresAt)} → ${formatTimestamp(after.expiresAt)}`;
}

/** Same key on both sides: label or expiry changed. */
function sameKey(before: PlanApiKey, after: PlanApiKey): Finding[] {
  const values = { before: maskedKey(before), after: maskedKey(after) };
  const out: Finding[] = [];
  if (before.label !== after.label) out.push(changed(`key ${keyRef(after)} label ${keyName(before)} → ${keyName(after)}`, values));
  if (before.expiresAt !== after.expiresAt) {
    const flags = flagIf(expiryLoosened(before.expiresAt, after.expiresAt), 'loosens-security');
    out.push(changed(`key ${keyName(after)} ${expiryText(before, after)}`, { ...values, flags }));
  }
  return out;
}

/** Same label, different key: a rotation. */
function rotated(before: PlanApiKey, after: PlanApiKey): Finding {
  const expiry = before.expiresAt !== after.expiresAt ? `, ${expiryText(before, after)}` : '';
  const flags = flagIf(expiryLoosened(before.expiresAt, after.expiresAt), 'loosens-security');
  return changed(`key ${keyName(after)} replaced (${keyRef(before)} → ${keyRef(after)})${expiry}`, {
    before: maskedKey(before),
    after: maskedKey(after),
    flags,
  });
}

function addedKey(key: PlanApiKey): Finding {
  const expiry = key.expiresAt !== null ? ` (expires ${formatTimestamp(key.expiresAt)})` : '';
  return added(`key ${keyName(key)} added${expiry}`, { after: maskedKey(key), flags: ['loosens-security'] });
}

/** Removes and returns the first item of `list` that matches, if any. */
function take(list: PlanApiKey[], matches: (key: PlanApiKey) => boolean): PlanApiKey | undefined {
  const i = list.findIndex(matches);
  return i < 0 ? undefined : list.splice(i, 1)[0];
}

interface KeyPairing {
  readonly pairs: (readonly [PlanApiKey, PlanApiKey])[];
  readonly added: PlanApiKey[];
  readonly removed: PlanApiKey[];
}

/** Pairs keys first by identity, then the unmatched ones by label (a rotation). */
function pair(base: readonly PlanApiKey[], head: readonly PlanApiKey[]): KeyPairing {
  const rest = [...base];
  const pairs: (readonly [PlanApiKey, PlanApiKey])[] = [];
  const unmatched = head.filter((key) => {
    const was = take(rest, (b) => identity(b) === identity(key));
    if (was !== undefined) pairs.push([was, key]);
    return was === undefined;
  });
  const fresh = unmatched.filter((key) => {
    const was = key.label === null ? undefined : take(rest, (b) => b.label === key.label);
    if (was !== undefined) pairs.push([was, key]);
    return was === undefined;
  });
  return { pairs, added: fresh, removed: rest };
}

/** Findings for a consumer's keys. A new key, or an expiry removed or pushed later, loosens security. */
export function diffKeys(base: readonly PlanApiKey[], head: readonly PlanApiKey[]): Finding[] {
  const { pairs, added: fresh, removed: gone } = pair(base, head);
  return [
    ...pairs.flatMap(([b, h]) => (identity(b) === identity(h) ? sameKey(b, h) : [rotated(b, h)])),
    ...fresh.map(addedKey),
    ...gone.map((key) => removed(`key ${keyName(key)} removed`, { before: maskedKey(key) })),
  ];
}
