/**
 * Building the page without markup strings: every value from the API becomes text, never HTML.
 * No inline style or handler either (the Content-Security-Policy forbids them): classes and listeners.
 */

/** An element: h('a', { href: '#/calls', class: 'x', onclick: fn }, 'text', child, [more]). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** A link inside the dashboard: the route's segments are encoded one by one. */
export function routeHref(segments, query = {}) {
  const path = segments.map((s) => encodeURIComponent(String(s))).join('/');
  const params = new URLSearchParams(
    Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
  const search = params.toString();
  return `#/${path}${search ? `?${search}` : ''}`;
}

export const link = (segments, text, query) => h('a', { href: routeHref(segments, query) }, text);

let tableCount = 0;

/**
 * A data table: a caption, column headers (scope col), the first column as row headers (scope
 * row), numeric columns aligned right. Wrapped in a region that scrolls sideways and takes focus,
 * so a keyboard can scroll a wide table too.
 * columns: [{ label, value: (row) => node | string, numeric?: boolean }]
 */
export function dataTable({ caption, columns, rows, empty = 'None.', footer }) {
  tableCount += 1;
  const captionId = `table-caption-${tableCount}`;
  const head = h(
    'thead',
    {},
    h(
      'tr',
      {},
      columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : undefined }, c.label)),
    ),
  );
  const body = h(
    'tbody',
    {},
    rows.length === 0
      ? h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty))
      : rows.map((row) =>
          h(
            'tr',
            {},
            columns.map((c, i) =>
              h(
                i === 0 ? 'th' : 'td',
                { scope: i === 0 ? 'row' : undefined, class: c.numeric ? 'num' : undefined },
                c.value(row),
              ),
            ),
          ),
        ),
  );
  const foot = footer
    ? h(
        'tfoot',
        {},
        h(
          'tr',
          {},
          columns.map((c, i) =>
            h(
              i === 0 ? 'th' : 'td',
              { scope: i === 0 ? 'row' : undefined, class: c.numeric ? 'num' : undefined },
              footer(c, i),
            ),
          ),
        ),
      )
    : null;
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-labelledby': captionId, tabindex: '0' },
    h('table', {}, h('caption', { id: captionId }, caption), head, body, foot),
  );
}

/** A list of terms and their values (figures, properties of a record). */
export function facts(entries, className = 'facts') {
  return h(
    'dl',
    { class: className },
    entries
      .filter(([, value]) => value !== undefined)
      .map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value ?? '—'))),
  );
}

/** A section with its heading; the heading's level follows the page's outline. */
export function section(title, ...children) {
  tableCount += 1;
  const id = `section-${tableCount}`;
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** Previous and next pages of a paginated list. */
export function pager({ page, pageSize, total }, hrefOf, label = 'Pages') {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return h(
    'nav',
    { class: 'pager', 'aria-label': label },
    page > 1 ? h('a', { href: hrefOf(page - 1), rel: 'prev' }, '← Previous') : null,
    h('span', {}, `Page ${page} of ${pages} (${total} in all)`),
    page < pages ? h('a', { href: hrefOf(page + 1), rel: 'next' }, 'Next →') : null,
  );
}

/** A small status label; its text says it all (colour only repeats it). */
export const badge = (text) => h('span', { class: `badge badge--${String(text).replace(/[^a-z-]/g, '')}` }, text);
