/**
 * Texts come from Django's JavaScript catalogue (the jsi18n script the page loads before
 * the modules), so `make messages` extracts them into djangojs.po. Call these with
 * literal English msgids, as gettext("Send"), or xgettext cannot find them; sentences
 * with values use named placeholders: interpolate(gettext("… %(name)s …"), {name}, true).
 */

export const gettext = (msgid) => window.gettext(msgid);
export const ngettext = (singular, plural, count) => window.ngettext(singular, plural, count);
export const pgettext = (context, msgid) => window.pgettext(context, msgid);
export const interpolate = (fmt, values, named) => window.interpolate(fmt, values, named);
