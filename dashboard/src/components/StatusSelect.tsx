/** A filter by status. */
export function StatusSelect<S extends string>({ value, options, onChange }: { value: S | ""; options: readonly S[]; onChange: (s: S | "") => void }) {
  return (
    <label>
      Status
      <select value={value} onChange={(e) => onChange(e.target.value as S | "")}>
        <option value="">Any</option>
        {options.map((s) => (
          <option key={s} value={s}>
            {s.replace(/_/g, " ")}
          </option>
        ))}
      </select>
    </label>
  );
}
