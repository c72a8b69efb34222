import { autocompletion } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { sql, StandardSQL } from '@codemirror/lang-sql';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, highlightActiveLine, keymap, lineNumbers, placeholder } from '@codemirror/view';
import type { ReactNode, Ref } from 'react';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';

export interface SqlEditorHandle {
  /** Puts text where the cursor is (replacing the selection) and focuses the editor. */
  insertAtCursor(text: string): void;
  focus(): void;
}

export interface SqlEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Ctrl+Enter (Cmd+Enter on a Mac). */
  onRun: () => void;
  ariaLabel: string;
  /** Names of tables, offered by completion besides SQL keywords. */
  tables: readonly string[];
}

const theme = EditorView.theme({
  '&': { border: '2px solid var(--color-border-input-default-oc2xs8, #8c8c94)', borderRadius: '8px', fontSize: '14px', backgroundColor: 'var(--color-background-input-default-z7f4ar, #fff)' },
  '&.cm-focused': { outline: '2px solid var(--color-border-item-focused-nv6mhz, #006ce0)', outlineOffset: '1px' },
  '.cm-content': { fontFamily: 'Monaco, Menlo, Consolas, "Courier New", monospace', minHeight: '96px' },
  '.cm-scroller': { maxHeight: '320px', overflow: 'auto' },
  '.cm-gutters': { borderTopLeftRadius: '8px', borderBottomLeftRadius: '8px' },
});

function sqlFor(tables: readonly string[]): ReturnType<typeof sql> {
  return sql({ dialect: StandardSQL, upperCaseKeywords: true, tables: tables.map((label) => ({ label, type: 'type' })) });
}

/**
 * A CodeMirror 6 SQL editor (syntax highlighting, undo, bracket matching). Tab is left to move focus
 * on, so the editor never traps the keyboard; Ctrl/Cmd+Enter runs the query.
 */
export const SqlEditor = forwardRef(function SqlEditor({ value, onChange, onRun, ariaLabel, tables }: SqlEditorProps, ref: Ref<SqlEditorHandle>): ReactNode {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
  // The latest callbacks, read by the editor's (once-built) extensions.
  const latest = useRef({ onChange, onRun });
  latest.current = { onChange, onRun };

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (latest.current.onRun(), true) }])),
          lineNumbers(),
          highlightActiveLine(),
          history(),
          bracketMatching(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          language.current.of(sqlFor(tables)),
          autocompletion(),
          syntaxHighlighting(defaultHighlightStyle),
          placeholder('SELECT eventName, COUNT(*) AS n FROM event_history GROUP BY eventName ORDER BY n DESC'),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': ariaLabel, 'data-testid': 'sql-editor-content' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current.onChange(update.state.doc.toString());
          }),
          theme,
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Built once: the value and the table names are synchronised below.
  }, []);

  const tableKey = tables.join('\n');
  useEffect(() => {
    view.current?.dispatch({ effects: language.current.reconfigure(sqlFor(tables)) });
  }, [tableKey]);

  // A value set from outside (a sample, a history entry) replaces the document.
  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useImperativeHandle(ref, () => ({
    insertAtCursor(text: string) {
      const editor = view.current;
      if (!editor) return;
      editor.dispatch(editor.state.replaceSelection(text));
      editor.focus();
    },
    focus() {
      view.current?.focus();
    },
  }));

  return <div ref={host} data-testid="sql-editor" />;
});
