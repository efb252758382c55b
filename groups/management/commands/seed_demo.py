"""Load demonstration data: real member cities of the Association, made-up people.

Idempotent: running it again updates the same rows and creates nothing twice. It refuses
to run with DEBUG off unless told explicitly, because every demo login shares one
published password.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from groups.models import Institution, User
from groups.services import institution_get_or_create

DEMO_PASSWORD = "gwd-demo-2026"

K = Institution.Kind

# email, full name, institution, kind, TERYT/KATOTTH, position, language, time zone, staff
PEOPLE = [
    (
        "staff@gwd.example",
        "Ewa Zielińska",
        "Związek Miast Polskich",
        K.PARTNER,
        "",
        "Koordynatorka projektów",
        "pl",
        "Europe/Warsaw",
        True,
    ),
    (
        "m.kowalski@kielce.gwd.example",
        "Marek Kowalski",
        "Urząd Miasta Kielce",
        K.CITY,
        "2661011",
        "Naczelnik Wydziału Podatków",
        "pl",
        "Europe/Warsaw",
        False,
    ),
    (
        "a.nowak@lublin.gwd.example",
        "Anna Nowak",
        "Urząd Miasta Lublin",
        K.CITY,
        "0663011",
        "Inspektorka ds. nieruchomości",
        "pl",
        "Europe/Warsaw",
        False,
    ),
    (
        "p.wisniewski@poznan.gwd.example",
        "Piotr Wiśniewski",
        "Urząd Miasta Poznania",
        K.CITY,
        "3064011",
        "Kierownik Referatu Opłat",
        "pl",
        "Europe/Warsaw",
        False,
    ),
    (
        "k.wojcik@bydgoszcz.gwd.example",
        "Katarzyna Wójcik",
        "Urząd Miasta Bydgoszczy",
        K.CITY,
        "0461011",
        "Specjalistka ds. transportu",
        "pl",
        "Europe/Warsaw",
        False,
    ),
    (
        "t.lewandowski@dopiewo.gwd.example",
        "Tomasz Lewandowski",
        "Urząd Gminy Dopiewo",
        K.GMINA,
        "3021022",
        "Sekretarz Gminy",
        "pl",
        "Europe/Warsaw",
        False,
    ),
    (
        "j.kaminska@blonie.gwd.example",
        "Joanna Kamińska",
        "Urząd Gminy Błonie",
        K.GMINA,
        "1405013",
        "Inspektorka ds. inwestycji",
        "pl",
        "Europe/Warsaw",
        False,
    ),
    (
        "m.zielinski@kutno.gwd.example",
        "Michał Zieliński",
        "Starostwo Powiatowe w Kutnie",
        K.POWIAT,
        "1002",
        "Geodeta Powiatowy",
        "pl",
        "Europe/Warsaw",
        False,
    ),
    (
        "a.szymanska@gdansk.gwd.example",
        "Agnieszka Szymańska",
        "Urząd Miejski w Gdańsku",
        K.CITY,
        "2261011",
        "Pełnomocniczka ds. PPP",
        "pl",
        "Europe/Warsaw",
        False,
    ),
    (
        "r.dabrowski@plock.gwd.example",
        "Robert Dąbrowski",
        "Urząd Miasta Płocka",
        K.CITY,
        "1462011",
        "Kierownik Biura Inwestycji",
        "pl",
        "Europe/Warsaw",
        False,
    ),
    (
        "o.kovalenko@zhytomyr.gwd.example",
        "Олена Коваленко",
        "Житомирська міська громада",
        K.HROMADA,
        "UA18040410000032427",
        "Начальниця відділу енергоефективності",
        "uk",
        "Europe/Kyiv",
        False,
    ),
    (
        "i.bondarenko@vinnytsia.gwd.example",
        "Ігор Бондаренко",
        "Вінницька міська громада",
        K.HROMADA,
        "UA05020030000031457",
        "Заступник директора департаменту",
        "uk",
        "Europe/Kyiv",
        False,
    ),
    (
        "observer@mswia.gwd.example",
        "Barbara Mazur",
        "Ministerstwo Spraw Wewnętrznych i Administracji",
        K.MINISTRY,
        "",
        "Radczyni",
        "pl",
        "Europe/Warsaw",
        False,
    ),
]


class Command(BaseCommand):
    help = "Load demonstration users (and, as later parts land, groups) and print the logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (only for disposable demo or test servers).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_demo creates logins with a published password; it runs only with "
                "DEBUG=1 unless you pass --allow-production."
            )
        users = [self._person(*row) for row in PEOPLE]
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with:"))
        for user in users:
            role = " (site staff; sets up two-factor authentication at first sign-in)"
            self.stdout.write(f"  {user.email:<40} {DEMO_PASSWORD}{role if user.is_staff else ''}")

    def _person(self, email, full_name, inst, kind, code, position, language, zone, staff):
        institution = institution_get_or_create(name=inst, kind=kind, code=code)
        user, created = User.objects.update_or_create(
            email=email,
            defaults={
                "full_name": full_name,
                "institution": institution,
                "position": position,
                "language": language,
                "time_zone": zone,
                "is_staff": staff,
                "is_superuser": staff,
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user
