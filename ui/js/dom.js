/**
 * The only way views build DOM. Text goes in through textContent, attributes through
 * setAttribute with an allow-list, so nothing from the network is ever parsed as HTML
 * (no innerHTML anywhere in ui/). Event-handler attributes, href/src and style are refused.
 */

const SAFE_ATTRIBUTE = /^(?:id|class|role|title|lang|datetime|hidden|tabindex|data-[a-z0-9-]+|aria-[a-z]+)$/;

export function setAttr(node, name, value) {
  if (!SAFE_ATTRIBUTE.test(name)) throw new Error(`refusing to set attribute "${name}"`);
  if (value === null || value === undefined || value === false) node.removeAttribute(name);
  else node.setAttribute(name, String(value));
}

/**
 * h('span', { className: 'badge', text: id, attrs: { 'data-sidecar-id': id } }, ...children)
 * Children are nodes or strings; strings become text nodes.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined && props.text !== null) node.textContent = String(props.text);
  if (props.attrs) for (const [name, value] of Object.entries(props.attrs)) setAttr(node, name, value);
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** Set text only when it changed, so unchanged cards cause no layout work. */
export function setText(node, value) {
  const next = value === null || value === undefined ? '' : String(value);
  if (node.textContent !== next) node.textContent = next;
}

/** Replace every tone-* class on a node with one tone. */
export function setTone(node, tone) {
  for (const name of [...node.classList]) if (name.startsWith('tone-')) node.classList.remove(name);
  node.classList.add(`tone-${tone}`);
}
