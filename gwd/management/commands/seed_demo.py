"""Load demonstration data: real member cities of the Association, made-up people.

Idempotent: running it again updates the same rows and creates nothing twice. It refuses
to run with DEBUG off unless told explicitly, because every demo login shares one
published password.
"""

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from groups import services as group_services
from groups.models import Group, GroupKind, Institution, Membership, Role, User
from groups.services import institution_get_or_create
from meetings import services as meeting_services
from meetings.models import Meeting

DEMO_PASSWORD = "gwd-demo-2026"

K = Institution.Kind
WAW, KYIV = "Europe/Warsaw", "Europe/Kyiv"

# fmt: off
# key: (email, full name, institution, kind, TERYT/KATOTTH, position, language, zone)
PEOPLE = {
    "staff": ("staff@gwd.example", "Ewa Zielińska", "Związek Miast Polskich", K.PARTNER, "", "Koordynatorka projektów", "pl", WAW),  # noqa: E501
    "kielce": ("m.kowalski@kielce.gwd.example", "Marek Kowalski", "Urząd Miasta Kielce", K.CITY, "2661011", "Naczelnik Wydziału Podatków", "pl", WAW),  # noqa: E501
    "lublin": ("a.nowak@lublin.gwd.example", "Anna Nowak", "Urząd Miasta Lublin", K.CITY, "0663011", "Inspektorka ds. nieruchomości", "pl", WAW),  # noqa: E501
    "poznan": ("p.wisniewski@poznan.gwd.example", "Piotr Wiśniewski", "Urząd Miasta Poznania", K.CITY, "3064011", "Kierownik Referatu Opłat", "pl", WAW),  # noqa: E501
    "bydgoszcz": ("k.wojcik@bydgoszcz.gwd.example", "Katarzyna Wójcik", "Urząd Miasta Bydgoszczy", K.CITY, "0461011", "Specjalistka ds. transportu", "pl", WAW),  # noqa: E501
    "kutno": ("j.wozniak@kutno.gwd.example", "Jan Woźniak", "Urząd Miasta Kutno", K.CITY, "1002011", "Kierownik Biura Geodezji", "pl", WAW),  # noqa: E501
    "dopiewo": ("t.lewandowski@dopiewo.gwd.example", "Tomasz Lewandowski", "Urząd Gminy Dopiewo", K.GMINA, "3021022", "Sekretarz Gminy", "pl", WAW),  # noqa: E501
    "blonie": ("j.kaminska@blonie.gwd.example", "Joanna Kamińska", "Urząd Gminy Błonie", K.GMINA, "1405013", "Inspektorka ds. inwestycji", "pl", WAW),  # noqa: E501
    "lubicz": ("m.krawczyk@lubicz.gwd.example", "Magdalena Krawczyk", "Urząd Gminy Lubicz", K.GMINA, "0415052", "Referent ds. oświaty", "pl", WAW),  # noqa: E501
    "morawica": ("s.piotrowski@morawica.gwd.example", "Stanisław Piotrowski", "Urząd Miasta i Gminy Morawica", K.GMINA, "2604104", "Zastępca Burmistrza", "pl", WAW),  # noqa: E501
    "pow-kutno": ("m.zielinski@powiat-kutno.gwd.example", "Michał Zieliński", "Starostwo Powiatowe w Kutnie", K.POWIAT, "1002", "Geodeta Powiatowy", "pl", WAW),  # noqa: E501
    "pow-poznan": ("e.grabowska@powiat-poznan.gwd.example", "Elżbieta Grabowska", "Starostwo Powiatowe w Poznaniu", K.POWIAT, "3021", "Naczelniczka Wydziału Dróg", "pl", WAW),  # noqa: E501
    "gdansk": ("a.szymanska@gdansk.gwd.example", "Agnieszka Szymańska", "Urząd Miejski w Gdańsku", K.CITY, "2261011", "Pełnomocniczka ds. PPP", "pl", WAW),  # noqa: E501
    "plock": ("r.dabrowski@plock.gwd.example", "Robert Dąbrowski", "Urząd Miasta Płocka", K.CITY, "1462011", "Kierownik Biura Inwestycji", "pl", WAW),  # noqa: E501
    "krakow": ("w.jablonski@krakow.gwd.example", "Wojciech Jabłoński", "Urząd Miasta Krakowa", K.CITY, "1261011", "Dyrektor Wydziału Inwestycji", "pl", WAW),  # noqa: E501
    "sopot": ("b.michalska@sopot.gwd.example", "Beata Michalska", "Urząd Miasta Sopotu", K.CITY, "2264011", "Specjalistka ds. PPP", "pl", WAW),  # noqa: E501
    "zhytomyr": ("o.kovalenko@zhytomyr.gwd.example", "Олена Коваленко", "Житомирська міська громада", K.HROMADA, "UA18040410000032427", "Начальниця відділу енергоефективності", "uk", KYIV),  # noqa: E501
    "vinnytsia": ("i.bondarenko@vinnytsia.gwd.example", "Ігор Бондаренко", "Вінницька міська громада", K.HROMADA, "UA05020030000031457", "Заступник директора департаменту", "uk", KYIV),  # noqa: E501
    "ternopil": ("n.melnyk@ternopil.gwd.example", "Наталія Мельник", "Тернопільська міська громада", K.HROMADA, "UA61040390000067898", "Головна спеціалістка з енергоменеджменту", "uk", KYIV),  # noqa: E501
    "mswia": ("observer@mswia.gwd.example", "Barbara Mazur", "Ministerstwo Spraw Wewnętrznych i Administracji", K.MINISTRY, "", "Radczyni", "pl", WAW),  # noqa: E501
    "zpp": ("observer@zpp.gwd.example", "Krzysztof Kaczmarek", "Związek Powiatów Polskich", K.PARTNER, "", "Ekspert ds. samorządu", "pl", WAW),  # noqa: E501
}

# slug: (names, kind, working languages, accepts join requests, descriptions,
#        facilitators, members, observers); names and descriptions by language.
GROUPS = {
    "gwd-miejska": (
        {"pl": "GWD miejska", "uk": "GWD міська", "en": "GWD urban"},
        GroupKind.URBAN, ["pl"], False,
        {
            "pl": "Grupa miast: Bydgoszcz, Dzierżoniów, Goleniów, Kielce, Kutno, Lublin, Poznań. "
            "Podatki i opłaty lokalne, zarządzanie nieruchomościami, transport.",
            "uk": "Група міст: Бидгощ, Дзержонюв, Голенюв, Кельце, Кутно, Люблін, Познань. "
            "Місцеві податки та збори, управління нерухомістю, транспорт.",
            "en": "A group of cities: Bydgoszcz, Dzierżoniów, Goleniów, Kielce, Kutno, Lublin, "
            "Poznań. Local taxes and charges, property management, transport.",
        },
        ["kielce"], ["lublin", "poznan", "bydgoszcz", "kutno"], ["mswia"],
    ),
    "gwd-miejsko-wiejska": (
        {"pl": "GWD miejsko-wiejska", "uk": "GWD місько-сільська", "en": "GWD urban-rural"},
        GroupKind.URBAN_RURAL, ["pl"], True,
        {
            "pl": "Gminy miejsko-wiejskie: Błonie, Długosiodło, Dopiewo, Koziegłowy, Lubicz, "
            "Morawica, Sępólno Krajeńskie. Zarządzanie oświatą i inwestycje.",
            "uk": "Місько-сільські гміни: Блоне, Длугосьодло, Доп’єво, Козеґлови, Любич, "
            "Моравиця, Семпольно-Краєнське. Управління освітою та інвестиції.",
            "en": "Urban-rural gminas: Błonie, Długosiodło, Dopiewo, Koziegłowy, Lubicz, "
            "Morawica, Sępólno Krajeńskie. Running schools and investment.",
        },
        ["dopiewo"], ["blonie", "lubicz", "morawica"], ["mswia"],
    ),
    "gwd-powiatowa": (
        {"pl": "GWD powiatowa", "uk": "GWD повітова", "en": "GWD county"},
        GroupKind.COUNTY, ["pl"], False,
        {
            "pl": "Dziewięć powiatów: geodezja i kartografia, drogi powiatowe, ochrona "
            "środowiska.",
            "uk": "Дев’ять повітів: геодезія і картографія, повітові дороги, охорона довкілля.",
            "en": "Nine counties: surveying and mapping, county roads, environmental protection.",
        },
        ["pow-kutno"], ["pow-poznan"], ["zpp"],
    ),
    "ppp": (
        {
            "pl": "Partnerstwo publiczno-prywatne",
            "uk": "Державно-приватне партнерство",
            "en": "Public-private partnership",
        },
        GroupKind.PPP, ["pl"], True,
        {
            "pl": "Urzędnicy miast i gmin prowadzących projekty PPP: Gdańsk, Kobylnica, "
            "Konstancin-Jeziorna, Kraków, Nowy Sącz, Oława, Płock, Sierpc, Sopot, Solec-Zdrój, "
            "Świdnica, Warszawa.",
            "uk": "Службовці міст і гмін, що ведуть проєкти ДПП: Гданськ, Кобильниця, "
            "Констанцін-Єзьорна, Краків, Новий Сонч, Олава, Плоцьк, Серпц, Сопот, Солець-Здруй, "
            "Свідниця, Варшава.",
            "en": "Officials of cities and gminas running PPP projects: Gdańsk, Kobylnica, "
            "Konstancin-Jeziorna, Kraków, Nowy Sącz, Oława, Płock, Sierpc, Sopot, Solec-Zdrój, "
            "Świdnica, Warsaw.",
        },
        ["gdansk"], ["plock", "krakow", "sopot", "kielce"], ["mswia"],
    ),
    "efektywnosc-energetyczna-ua": (
        {
            "pl": "Efektywność energetyczna — partnerzy z Ukrainy",
            "uk": "Енергоефективність — партнери з України",
            "en": "Energy efficiency — partners from Ukraine",
        },
        GroupKind.UKRAINE_PARTNERS, ["uk", "pl"], False,
        {
            "pl": "Wymiana doświadczeń i wzorów dokumentów dla inwestycji w efektywność "
            "energetyczną w formule PPP/ESCO.",
            "uk": "Обмін досвідом і типовими документами для інвестицій в енергоефективність "
            "у форматі ДПП/ESCO.",
            "en": "Sharing experience and model documents for investment in energy efficiency "
            "as PPP or ESCO projects.",
        },
        ["zhytomyr", "plock"], ["vinnytsia", "ternopil", "kielce"], ["zpp"],
    ),
}
# fmt: on


class Command(BaseCommand):
    help = "Load demonstration people and groups, and print the logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (only for disposable demo or test servers).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_demo creates logins with a published password; it runs only with "
                "DEBUG=1 unless you pass --allow-production."
            )
        # Demo content is not news: nobody is e-mailed about it (the e-mail would go out
        # when the transaction commits, so the whole run is inside the override).
        quiet = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
        with override_settings(MAILERS=quiet):
            self._seed()

    @transaction.atomic
    def _seed(self) -> None:
        people = {key: self._person(*row) for key, row in PEOPLE.items()}
        people["staff"].is_staff = people["staff"].is_superuser = True
        people["staff"].save(update_fields=["is_staff", "is_superuser"])
        roles: dict[str, list[str]] = {}
        for slug, row in GROUPS.items():
            names, kind, languages, open_, descriptions, facilitators, members, observers = row
            group, _ = Group.objects.update_or_create(
                slug=slug,
                defaults={
                    **{f"name_{code}": text for code, text in names.items()},
                    **{f"description_{code}": text for code, text in descriptions.items()},
                    "kind": kind,
                    "working_languages": languages,
                    "accepts_join_requests": open_,
                    "created_by": people["staff"],
                },
            )
            cast = [(k, Role.FACILITATOR) for k in facilitators]
            cast += [(k, Role.MEMBER) for k in members] + [(k, Role.OBSERVER) for k in observers]
            for key, role in cast:
                user = people[key]
                Membership.objects.update_or_create(
                    user=user,
                    group=group,
                    defaults={
                        "role": role,
                        "institution": user.institution,
                        "status": Membership.Status.ACTIVE,
                    },
                )
                roles.setdefault(user.email, []).append(f"{role.label} · {names['pl']}")

        self._content(people)
        self.stdout.write(self.style.SUCCESS(f"Demo data is ready. Password: {DEMO_PASSWORD}"))
        for user in people.values():
            what = "site staff, sets up two-factor authentication" if user.is_staff else ""
            what = what or "; ".join(str(r) for r in roles.get(user.email, []))
            self.stdout.write(f"  {user.email:<42} {what}")

    def _person(self, email, full_name, inst, kind, code, position, language, zone) -> User:
        institution = institution_get_or_create(name=inst, kind=kind, code=code)
        user, created = User.objects.update_or_create(
            email=email,
            defaults={
                "full_name": full_name,
                "institution": institution,
                "position": position,
                "language": language,
                "time_zone": zone,
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _content(self, people: dict[str, User]) -> None:
        """A discussion and meetings in the groups, created once."""
        settings.MESSAGE_RATE = "1000/second"  # seeding posts faster than people do
        threads = [
            (
                "gwd-miejska",
                "kielce",
                "Podatek od nieruchomości — stawki na 2027",
                [
                    (
                        "kielce",
                        "Jakie stawki przyjmujecie na 2027 r.? U nas projekt uchwały jest "
                        "gotowy, proponujemy **1,20 zł/m²** dla gruntów.",
                    ),
                    ("lublin", "U nas podobnie. Warto spojrzeć na obwieszczenie ministra z lipca."),
                    ("poznan", "Przesyłam nasz wzór uchwały po konsultacjach z RIO."),
                ],
            ),
            (
                "efektywnosc-energetyczna-ua",
                "zhytomyr",
                "Umowa ESCO — wzór dla szkół",
                [
                    ("zhytomyr", "Чи є у вас досвід енергосервісних договорів для шкіл?"),
                    ("plock", "Tak, w Płocku mamy umowę ESCO dla 12 szkół. Udostępnię wzór."),
                ],
            ),
        ]
        for slug, _starter, title, posts in threads:
            group = Group.objects.get(slug=slug)
            if group.threads.filter(title=title).exists():
                continue
            first_author, first_body = posts[0]
            thread, _ = group_services.thread_create(
                actor=people[first_author],
                group=group,
                title=title,
                body=first_body,
                client_id=f"seed-{slug}-0",
            )
            for number, (key, body) in enumerate(posts[1:], 1):
                group_services.message_send(
                    actor=people[key],
                    thread=thread,
                    body=body,
                    client_id=f"seed-{slug}-{number}",
                )
        warsaw_ten = dt.time(10)
        day = timezone.localdate() + dt.timedelta(days=14)
        meetings = [
            (
                "gwd-miejska",
                "kielce",
                "Spotkanie GWD: podatki lokalne",
                "Urząd Miasta Kielce, sala 112",
                "",
            ),
            (
                "efektywnosc-energetyczna-ua",
                "plock",
                "Wzory umów ESCO — spotkanie online / Зустріч онлайн",
                "",
                "https://meet.example.org/gwd-esco",
            ),
        ]
        for slug, organiser, title, place, online in meetings:
            group = Group.objects.get(slug=slug)
            if Meeting.objects.filter(group=group, title=title).exists():
                continue
            starts = meeting_services.local_to_utc(day, warsaw_ten, "Europe/Warsaw")
            meeting_services.meeting_schedule(
                actor=people[organiser],
                group=group,
                title=title,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                time_zone="Europe/Warsaw",
                place=place,
                online_url=online,
                capacity=30,
                agenda=[
                    {"title": "Powitanie / Привітання", "presenter": "", "duration_minutes": 10}
                ],
            )
