import { CopyButton } from "./CopyButton";

/** A secret the server shows only this once. */
export function SecretOnce({ title, secret }: { title: string; secret: string }) {
  return (
    <section className="secret" aria-label={title}>
      <h3>{title}</h3>
      <p>Copy it now: it is shown this once and cannot be read again.</p>
      <p className="address">
        <code data-testid="secret">{secret}</code>
        <CopyButton text={secret} label="Copy secret" />
      </p>
    </section>
  );
}
