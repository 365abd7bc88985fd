/** Replica bounds of an autoscaler: whole numbers, never to zero (in-flight runs would be lost), min ≤ max. */

/** Construct validation messages for `min`/`max` replica bounds (names as the object spells them). */
export function replicaBoundsErrors(owner: string, min: number, max: number, fields: { readonly min: string; readonly max: string } = { min: 'minReplicas', max: 'maxReplicas' }): string[] {
  const errors: string[] = [];
  if (!Number.isInteger(min)) errors.push(`${owner}: ${fields.min} ${min} is not a whole number of pods; use an integer of at least 1`);
  else if (min < 1) errors.push(`${owner}: ${fields.min} ${min} would scale to zero and lose in-flight runs; use a whole number of at least 1`);
  if (!Number.isInteger(max) || max < 1) errors.push(`${owner}: ${fields.max} ${max} is not a whole number of pods of at least 1; use an integer of at least 1`);
  if (min > max) errors.push(`${owner}: ${fields.min} ${min} exceeds ${fields.max} ${max}; lower ${fields.min} or raise ${fields.max}`);
  return errors;
}
