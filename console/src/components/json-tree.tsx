import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import { useState } from 'react';
import type { ReactNode } from 'react';

/** A record as formatted, collapsible JSON: every object and array folds with a labelled button. */
export function JsonTree({ value }: { value: unknown }): ReactNode {
  return (
    <div className="cairn-json" role="group" aria-label="Event record">
      <Node name={undefined} value={value} depth={0} last />
    </div>
  );
}

function Node({ name, value, depth, last }: { name: string | undefined; value: unknown; depth: number; last: boolean }): ReactNode {
  const [open, setOpen] = useState(depth < 2);
  const label = name === undefined ? null : <span className="cairn-json-key">"{name}": </span>;
  const comma = last ? '' : ',';
  if (value !== null && typeof value === 'object') {
    const entries: (readonly [string, unknown])[] = Array.isArray(value) ? (value as unknown[]).map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
    const [openBracket, closeBracket] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      return (
        <div style={{ paddingLeft: depth === 0 ? 0 : 16 }}>
          {label}
          {openBracket}
          {closeBracket}
          {comma}
        </div>
      );
    }
    return (
      <div style={{ paddingLeft: depth === 0 ? 0 : 16 }}>
        <Button variant="inline-icon" iconName={open ? 'caret-down-filled' : 'caret-right-filled'} ariaLabel={`${open ? 'Collapse' : 'Expand'} ${name ?? 'record'}`}
          ariaExpanded={open} onClick={() => setOpen(!open)} />
        {label}
        {openBracket}
        {open ? (
          <div>
            {entries.map(([key, child], i) => (
              <Node key={key} name={Array.isArray(value) ? undefined : key} value={child} depth={depth + 1} last={i === entries.length - 1} />
            ))}
          </div>
        ) : (
          <Box variant="span" color="text-status-inactive">
            {' '}
            {entries.length} {Array.isArray(value) ? 'items' : 'keys'}{' '}
          </Box>
        )}
        {closeBracket}
        {comma}
      </div>
    );
  }
  const rendered = typeof value === 'string' ? <span className="cairn-json-string">{JSON.stringify(value)}</span> : <span className="cairn-json-literal">{String(value)}</span>;
  return (
    <div style={{ paddingLeft: depth === 0 ? 0 : 16 }}>
      {label}
      {rendered}
      {comma}
    </div>
  );
}
