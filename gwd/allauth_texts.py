"""allauth's texts that GWD translates itself, because allauth's Polish catalogue has them
wrong ("Wprowadż" for "Wprowadź"). Django reads GWD's catalogues (LOCALE_PATHS) before
an app's, so an entry here wins; naming the msgids here keeps `make messages` from
dropping them as obsolete. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

CORRECTED = [
    gettext_noop("Enter Password Reset Code"),
    gettext_noop("Enter your password:"),
]
