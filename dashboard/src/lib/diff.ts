// What changed between two policy versions, field by field.

export interface Change {
  field: string;
  before: string;
  after: string;
}

export function diffFields(
  before: Record<string, string>,
  after: Record<string, string>,
): Change[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((field) => before[field] !== after[field])
    .map((field) => ({ field, before: before[field] ?? "—", after: after[field] ?? "—" }));
}
