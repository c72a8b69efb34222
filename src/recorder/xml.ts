/** A parsed XML element: its name, text and children (attributes are not needed for records). */
export interface XmlElement {
  name: string;
  text: string;
  children: XmlElement[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

/**
 * Parses the XML AWS services answer with (declaration, elements, text, CDATA, comments); returns
 * the root element, or undefined when the text is not well-formed enough to read.
 */
export function parseXml(text: string): XmlElement | undefined {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const token = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    const [, cdata, close, open, , selfClose, chars] = m;
    const top = stack.at(-1);
    if (cdata !== undefined) {
      if (top) top.text += cdata;
    } else if (close !== undefined) {
      const done = stack.pop();
      if (!done || localName(done.name) !== localName(close)) return undefined;
    } else if (open !== undefined) {
      const element: XmlElement = { name: localName(open), text: '', children: [] };
      if (top) top.children.push(element);
      else if (!root) root = element;
      else return undefined;
      if (!selfClose) stack.push(element);
    } else if (chars !== undefined && top) {
      top.text += decodeEntities(chars);
    }
  }
  return stack.length === 0 ? root : undefined;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

/**
 * An element as a record value, in the shape CloudTrail writes XML replies: leaf text as strings;
 * `member` lists (query protocol) as arrays; `item` lists (EC2) as `{items: [...]}`; repeated
 * elements as arrays; names in lower camel case.
 */
export function xmlToValue(element: XmlElement, options: { keepNames?: boolean } = {}): unknown {
  // EC2's empty sets (`<groupSet/>`) are empty objects in CloudTrail, not empty strings.
  if (element.children.length === 0) return element.text === '' && /Set$/.test(element.name) ? {} : element.text;
  const names = new Set(element.children.map((c) => c.name));
  if (names.size === 1 && names.has('member')) return element.children.map((c) => xmlToValue(c, options));
  if (names.size === 1 && names.has('item')) return { items: element.children.map((c) => xmlToValue(c, options)) };
  // REST-XML lists name their members in the singular: <Changes><Change/></Changes>.
  if (names.size === 1 && isPluralOf(element.name, element.children[0]!.name)) return element.children.map((c) => xmlToValue(c, options));
  const out: Record<string, unknown> = {};
  for (const c of element.children) {
    const key = options.keepNames ? c.name : lowerCamel(c.name);
    const value = xmlToValue(c, options);
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing) && element.children.filter((x) => x.name === c.name).length > 1) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}

function isPluralOf(list: string, member: string): boolean {
  return list === `${member}s` || list === `${member}es` || (member.endsWith('y') && list === `${member.slice(0, -1)}ies`);
}

export function lowerCamel(name: string): string {
  if (name.length === 0 || !/^[A-Z]/.test(name)) return name;
  const leadingCaps = /^[A-Z]+(?=[A-Z][a-z]|$|[^A-Za-z])/.exec(name)?.[0];
  if (leadingCaps && leadingCaps.length > 1) return leadingCaps.toLowerCase() + name.slice(leadingCaps.length);
  return name[0]!.toLowerCase() + name.slice(1);
}
