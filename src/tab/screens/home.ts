import { h } from '../dom';
import { LEVEL_LABELS } from '../format';
import type { Me } from '../types';
import { orgRoute } from './dashboard';
import { link } from './common';

/** The personal tab's start: the organisations the person may open. */
export function renderHome(main: HTMLElement, me: Me): void {
  main.replaceChildren(
    h('h1', {}, 'My organisations'),
    me.organisations.length === 0
      ? h(
          'p',
          {},
          'You have no role over any organisation yet. Ask your ICB’s administrator for one; the bot’s whoami command shows your id.',
        )
      : h(
          'ul',
          { class: 'org-list' },
          ...me.organisations.map((o) =>
            h(
              'li',
              {},
              link(orgRoute(o.code), o.name),
              h(
                'span',
                { class: 'level' },
                ` ${LEVEL_LABELS[o.level] ?? o.level} · ${o.code} · ${o.role}`,
              ),
            ),
          ),
        ),
  );
}
