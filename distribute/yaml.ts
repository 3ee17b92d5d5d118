/**
 * A small YAML writer for Kubernetes manifests: block mappings and sequences, every string
 * double-quoted (JSON string syntax is valid YAML), so no value can be misread as a number,
 * boolean or null ("true", "0755", "yes").
 */
type Value = string | number | boolean | null | readonly Value[] | { readonly [key: string]: Value | undefined };

export function toYaml(value: Value, indent = 0): string {
  return `${emit(value, indent).replace(/^\n/, '')}\n`;
}

/** Several documents in one file, as `kubectl apply -f` takes them. */
export function toYamlDocuments(docs: readonly Value[]): string {
  return docs.map((doc) => `---\n${toYaml(doc)}`).join('');
}

function scalar(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return String(value);
  // JSON leaves these raw, but YAML forbids them in a scalar (DEL, C1 controls, BOM) or, in the
  // YAML 1.1 that Kubernetes' parser reads, takes them as line breaks (NEL, LS, PS).
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function emit(value: Value, indent: number): string {
  const pad = ' '.repeat(indent);
  if (value === null || typeof value !== 'object') return ` ${scalar(value)}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []';
    return value
      .map((item: Value) => {
        const body = emit(item, indent + 2);
        // "- key: v" keeps the first key of a mapping on the dash line
        return `\n${pad}-${body.startsWith('\n') ? ` ${body.trimStart()}` : body}`;
      })
      .join('');
  }
  const entries = Object.entries(value as Record<string, Value | undefined>).filter(([, v]) => v !== undefined) as [
    string,
    Value,
  ][];
  if (entries.length === 0) return ' {}';
  return entries
    .map(([key, v]) => `\n${pad}${/^[A-Za-z_][\w.-]*$/.test(key) ? key : JSON.stringify(key)}:${emit(v, indent + 2)}`)
    .join('');
}
