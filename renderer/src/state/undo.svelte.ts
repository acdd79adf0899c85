// The chemist's last actions that can be taken back (a collection deleted, candidates removed): Ctrl/Cmd-Z or
// the toast's Undo runs the newest one. Each action says in words what it did and how to undo it; the core keeps
// what is needed (collections.restore, candidates.restore), so an undo is one call.
export interface UndoAction {
  /** what was done, as the toast says it: "Deleted 'assay.csv'" */
  label: string;
  undo: () => Promise<void>;
}

const KEEP = 20;

export class UndoStack {
  /** the newest action, for the toast (null once undone or dismissed) */
  last = $state.raw<UndoAction | null>(null);
  /** what the last undo said: "Restored 'assay.csv'", or why it could not */
  message = $state<string | null>(null);
  #stack: UndoAction[] = [];

  get size(): number {
    void this.last;
    return this.#stack.length;
  }

  push(action: UndoAction) {
    this.#stack.push(action);
    if (this.#stack.length > KEEP) this.#stack.shift();
    this.last = action;
    this.message = null;
  }

  /** Runs the newest action's undo; false when there was nothing to undo or it failed (the message says why). */
  async undo(): Promise<boolean> {
    const action = this.#stack.pop();
    this.last = null;
    if (!action) {
      this.message = 'Nothing to undo.';
      return false;
    }
    try {
      await action.undo();
      this.message = `Undone: ${action.label}`;
      return true;
    } catch (e) {
      this.message = `Could not undo "${action.label}": ${(e as Error).message}`;
      return false;
    }
  }

  /** The toast closed: the action can still be undone with Ctrl/Cmd-Z. */
  dismiss() {
    this.last = null;
    this.message = null;
  }
}
