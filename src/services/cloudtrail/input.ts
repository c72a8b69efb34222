import { AwsError } from '../../api/index.js';

/** Readers for decoded JSON input members: wrong JSON types are a SerializationException, as in AWS. */
export type Input = Record<string, unknown>;

function wrongType(member: string, expected: string): AwsError {
  return new AwsError('SerializationException', `${member}: expected ${expected}`);
}

export function optionalString(input: Input, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(member, 'a string');
  return value;
}

export function optionalInteger(input: Input, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(member, 'an integer');
  return value;
}

export function optionalList(input: Input, member: string): unknown[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw wrongType(member, 'a list');
  return value as unknown[];
}

export function asStructure(value: unknown, member: string): Input {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw wrongType(member, 'a structure');
  return value as Input;
}

/**
 * Timestamps arrive as epoch seconds (botocore sends integers, the JS SDK fractions);
 * ISO-8601 strings are accepted too. Returns epoch milliseconds.
 */
export function optionalTimestamp(input: Input, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value * 1000);
  if (typeof value === 'string') {
    const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
    if (!Number.isNaN(parsed)) return Math.round(parsed);
  }
  throw wrongType(member, 'a timestamp');
}

export function optionalBoolean(input: Input, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrongType(member, 'a boolean');
  return value;
}

/** A required string member; missing or empty is the operation's own error. */
export function requiredString(input: Input, member: string, missing: () => AwsError): string {
  const value = optionalString(input, member);
  if (value === undefined || value === '') throw missing();
  return value;
}
