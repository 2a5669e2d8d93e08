"use client";

import { useId, useRef, useState } from "react";

interface Props {
  /** The button's text. */
  label: string;
  /** What the dialog asks. */
  question: string;
  /** Shows a note field, whose text goes to `onConfirm`. */
  withNote?: boolean;
  danger?: boolean;
  disabled?: boolean;
  onConfirm: (note: string) => void;
}

/** A button that asks first, in a modal dialog. */
export function Confirm({ label, question, withNote, danger, disabled, onConfirm }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [note, setNote] = useState("");
  const id = useId();
  function confirm() {
    dialog.current?.close();
    onConfirm(note.trim());
    setNote("");
  }
  return (
    <>
      <button
        type="button"
        className={danger ? "danger" : undefined}
        disabled={disabled}
        onClick={() => dialog.current?.showModal()}
      >
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={`${id}-q`} className="confirm">
        <form method="dialog" onSubmit={(e) => { e.preventDefault(); confirm(); }}>
          <p id={`${id}-q`}>{question}</p>
          {withNote && (
            <label>
              Note (optional, kept in the audit log)
              <textarea value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} rows={3} />
            </label>
          )}
          <div className="actions">
            <button type="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" className={danger ? "danger" : "primary"}>
              {label}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
