"""Load demonstration data: real member cities of the Association, made-up people.

Idempotent: running it again updates the same rows and creates nothing twice. It refuses
to run with DEBUG off unless told explicitly, because every demo login shares one
published password.
"""

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from decisions import services as decision_services
from decisions.models import Poll, Stance
from groups import services as group_services
from groups.access import group_access
from groups.models import Group, GroupKind, Institution, Membership, Role, User
from groups.services import institution_get_or_create
from indicators import demo as indicator_demo
from meetings import services as meeting_services
from meetings.models import Meeting
from resources import attachments, demo
from resources import services as library
from resources.models import Document, Domain, Folder

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
    "morawica": ("s.piotrowski@morawica.gwd.example", "Stanisław Piotrowski", "Urząd Miasta i Gminy Morawica", K.GMINA, "2604103", "Zastępca Burmistrza", "pl", WAW),  # noqa: E501
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
        # The cities' units first: an office whose code is a unit's becomes its office.
        indicator_demo.units_create()
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
        self._library(people)
        self._attachments(people)
        self._history(people)
        indicator_demo.seed(
            staff=people["staff"],
            facilitators={slug: people[row[5][0]] for slug, row in GROUPS.items()},
        )
        self._decisions(people)
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

    def _attachments(self, people: dict[str, User]) -> None:
        """A thread whose messages carry a photo, a PDF and a link to the library."""
        city = Group.objects.get(slug="gwd-miejska")
        title = "Termomodernizacja szkół — zdjęcia i audyty"
        if city.threads.filter(title=title).exists():
            return
        thread, _ = group_services.thread_create(
            actor=people["kielce"],
            group=city,
            title=title,
            body="Kończymy docieplenie SP nr 5. Czy ktoś ma wyniki audytu po pierwszym sezonie?",
            client_id="seed-attachments-0",
        )
        photo = attachments.attachment_upload(
            actor=people["lublin"],
            group=city,
            upload=SimpleUploadedFile("sp5-elewacja.jpg", demo.school_photo()),
        )
        audit = attachments.attachment_upload(
            actor=people["lublin"],
            group=city,
            upload=SimpleUploadedFile("umowa-esco-sp5.pdf", demo.model_pdf(demo.ESCO_PL)),
        )
        template = Document.objects.filter(group=city, is_attachment=False).first()
        group_services.message_send(
            actor=people["lublin"],
            thread=thread,
            body="U nas po sezonie zużycie ciepła spadło o 31%. Zdjęcie elewacji i naszą "
            "umowę ESCO przesyłam w załącznikach, do tego dokument z biblioteki.",
            client_id="seed-attachments-1",
            uploads=[photo.pk, audit.pk],
            documents=[template.pk] if template else [],
        )

    def _library(self, people: dict[str, User]) -> None:
        """Model documents in the libraries, written out now as DOCX and PDF: the ESCO
        contract template (three versions, shared with every group and adapted in
        Kielce), its Ukrainian counterpart and the local-tax procedure. Created once."""
        energy = Group.objects.get(slug="efektywnosc-energetyczna-ua")
        city = Group.objects.get(slug="gwd-miejska")

        def folder(group: Group, name: str, actor: User) -> Folder:
            found = Folder.objects.filter(group=group, parent=None, name=name).first()
            return found or library.folder_create(actor=actor, group=group, name=name, parent=None)

        def add(group, actor, title, name, content, **fields) -> Document | None:
            if Document.objects.filter(group=group, title=title).exists():
                return None
            return library.document_upload(
                actor=actor,
                group=group,
                upload=SimpleUploadedFile(name, content),
                title=title,
                **fields,
            )

        contracts = folder(energy, "Wzory umów ESCO / Типові договори", people["plock"])
        esco = add(
            energy,
            people["plock"],
            demo.ESCO_TITLE_PL,
            "wzor-umowy-esco.docx",
            demo.model_docx(demo.ESCO_PL, note="Wersja 1 — projekt do konsultacji w grupie."),
            description="Wzór umowy o poprawę efektywności energetycznej (ESCO) z płatnością "
            "z oszczędności, przygotowany w Płocku dla 12 szkół. Obejmuje gwarancję "
            "oszczędności, pomiar i weryfikację według IPMVP oraz wynagrodzenie z oszczędności.",
            folder=contracts,
            domain=Domain.ENERGY,
            tags=["ESCO", "PPP", "szkoły", "IPMVP"],
            language="pl",
        )
        if esco is not None:
            for note, change in [
                ("Wersja 2 — po uwagach regionalnej izby obrachunkowej.", "Uwagi RIO: § 5"),
                ("", "Wersja końcowa: gwarancja 32% ciepła, raport do 31 marca"),
            ]:
                library.version_upload(
                    actor=people["plock"],
                    document=esco,
                    upload=SimpleUploadedFile(
                        "wzor-umowy-esco.docx", demo.model_docx(demo.ESCO_PL, note=note)
                    ),
                    change_note=change,
                )
            esco.refresh_from_db()  # the current version is now the third
            library.document_share(
                actor=people["plock"],
                document=esco,
                is_template=True,
                share_with_all=True,
                groups=[],
            )
            copy = library.document_adapt(actor=people["kielce"], template=esco, group=city)
            library.document_update(
                actor=people["kielce"],
                document=copy,
                title="Umowa ESCO dla szkół w Kielcach (adaptacja wzoru z Płocka)",
                description="Wzór z Płocka dostosowany do 8 szkół podstawowych w Kielcach.",
                domain=Domain.ENERGY,
                tags=["ESCO", "szkoły"],
                language="pl",
                folder=None,
            )
        add(
            energy,
            people["zhytomyr"],
            demo.ESCO_TITLE_UK,
            "typovyi-enerhoservisnyi-dohovir.pdf",
            demo.model_pdf(demo.ESCO_UK),
            description="Типовий енергосервісний договір для шкіл Житомира: гарантована "
            "економія, вимірювання та верифікація, оплата з економії.",
            folder=contracts,
            domain=Domain.ENERGY,
            tags=["ESCO", "енергосервіс"],
            language="uk",
        )
        taxes = folder(city, "Podatki lokalne", people["kielce"])
        add(
            city,
            people["kielce"],
            demo.TAX_TITLE_PL,
            "procedura-podatek-od-nieruchomosci.pdf",
            demo.model_pdf(demo.TAX_PL),
            description="Podstawa prawna, kroki postępowania, terminy i formularze (IN-1, "
            "ZIN-1–ZIN-3) wymiaru podatku od nieruchomości od osób fizycznych.",
            folder=taxes,
            domain=Domain.LOCAL_TAXES,
            tags=["podatek od nieruchomości", "IN-1"],
            language="pl",
        )
        add(
            energy,
            people["kielce"],
            demo.TAX_TITLE_UK,
            "protsedura-podatok-na-nerukhomist.docx",
            demo.model_docx(demo.TAX_UK),
            description="Як у Польщі визначають місцевий податок на нерухомість: правова "
            "основа, кроки, строки, форми.",
            domain=Domain.LOCAL_TAXES,
            tags=["podatek od nieruchomości"],
            language="uk",
        )

    def _history(self, people: dict[str, User]) -> None:
        """Meetings that took place, with attendance, published minutes and action
        items; and discussions in both languages with mentions and reactions."""
        today = timezone.localdate()
        past = [
            (
                "gwd-miejska",
                "kielce",
                "Spotkanie GWD: stawki podatku od nieruchomości na 2027",
                today - dt.timedelta(days=30),
                "Urząd Miasta Kielce, sala 112",
                ["kielce", "lublin", "poznan", "kutno"],
                "Omówiliśmy projekty uchwał w sprawie stawek na 2027 r. i doświadczenia z "
                "e-Doręczeniami decyzji podatkowych. Kielce przedstawiły procedurę wymiaru "
                "(w bibliotece, folder *Podatki lokalne*).",
                "- Stawki dla gruntów: każde miasto porówna projekt z obwieszczeniem ministra.\n"
                "- Procedurę z Kielc przyjmujemy jako wspólny punkt wyjścia.",
                [
                    ("lublin", "Zestawić stawki miast grupy w jednej tabeli", 14, True),
                    ("poznan", "Udostępnić wzór uchwały po uwagach RIO", 21, False),
                    ("kutno", "Sprawdzić doręczanie decyzji przez e-Doręczenia", 30, False),
                ],
            ),
            (
                "efektywnosc-energetyczna-ua",
                "plock",
                "Warsztat: pomiar i weryfikacja oszczędności ESCO / Семінар: вимірювання "
                "та верифікація",
                today - dt.timedelta(days=21),
                "",
                ["plock", "zhytomyr", "vinnytsia", "ternopil"],
                "Płock pokazał, jak liczy oszczędności według IPMVP (opcja C). Житомир "
                "розповів про базовий рівень споживання у школах і градусо-дні.",
                "- Wzór umowy ESCO z Płocka jest udostępniony wszystkim grupom.\n"
                "- Типовий договір Житомира перекладемо польською.",
                [
                    ("zhytomyr", "Надіслати дані енергоаудиту трьох шкіл", 10, True),
                    ("plock", "Przetłumaczyć § 4 wzoru umowy na ukraiński", 20, False),
                    ("vinnytsia", "Підготувати перелік будівель для пілотного ESCO", 28, False),
                ],
            ),
        ]
        for slug, organiser, title, day, place, present, text, decisions, items in past:
            group = Group.objects.get(slug=slug)
            if Meeting.objects.filter(group=group, title=title).exists():
                continue
            starts = meeting_services.local_to_utc(day, dt.time(10), "Europe/Warsaw")
            meeting = meeting_services.meeting_schedule(
                actor=people[organiser],
                group=group,
                title=title,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                time_zone="Europe/Warsaw",
                place=place,
                online_url="" if place else "https://meet.example.org/gwd-esco-mv",
                reminders=[],
            )
            meeting_services.attendance_mark(
                actor=people[organiser],
                meeting=meeting,
                present_user_ids={people[k].pk for k in present},
            )
            meeting_services.minutes_save(
                actor=people[organiser],
                meeting=meeting,
                text=text,
                decisions=decisions,
                publish=True,
            )
            for owner, description, days, done in items:
                item = meeting_services.action_item_add(
                    actor=people[organiser],
                    meeting=meeting,
                    description=description,
                    owner=people[owner],
                    due_date=day + dt.timedelta(days=days),
                )
                if done:
                    meeting_services.action_item_toggle(actor=people[owner], item=item)

        threads = [
            (
                "efektywnosc-energetyczna-ua",
                "Pomiar oszczędności: jak liczycie stopniodni? / Як рахуєте градусо-дні?",
                [
                    (
                        "zhytomyr",
                        "@**Robert Dąbrowski**, як у Płocku коригуєте базовий рівень на "
                        "градусо-дні? У нас зима 2024/25 була теплішою.",
                        [("vinnytsia", "🤔")],
                    ),
                    (
                        "plock",
                        "@**Олена Коваленко**, korygujemy według IPMVP, opcja C: zużycie "
                        "z roku bazowego przeliczamy na stopniodni roku rozliczeniowego. "
                        "Wzór jest w bibliotece, § 4.",
                        [("zhytomyr", "🙏"), ("vinnytsia", "👍"), ("ternopil", "👍")],
                    ),
                    (
                        "ternopil",
                        "Дякуємо! @**Ігор Бондаренко**, чи можемо взяти цю методику для "
                        "вінницьких шкіл?",
                        [],
                    ),
                    ("vinnytsia", "Так, підготую перелік будівель до наступної зустрічі.", []),
                ],
            ),
            (
                "gwd-miejska",
                "Decyzje podatkowe przez e-Doręczenia",
                [
                    (
                        "kielce",
                        "Od stycznia doręczamy decyzje w sprawie podatku od nieruchomości "
                        "przez e-Doręczenia. @**Anna Nowak**, jak to wygląda w Lublinie?",
                        [("poznan", "👀")],
                    ),
                    (
                        "lublin",
                        "U nas na razie 8% decyzji, reszta pocztą. Procedura z Kielc bardzo "
                        "pomogła — dziękuję, @**Marek Kowalski**!",
                        [("kielce", "❤️"), ("kutno", "👍")],
                    ),
                ],
            ),
        ]
        for slug, title, posts in threads:
            group = Group.objects.get(slug=slug)
            if group.threads.filter(title=title).exists():
                continue
            (first_author, first_body, first_reactions), *replies = posts
            thread, message = group_services.thread_create(
                actor=people[first_author],
                group=group,
                title=title,
                body=first_body,
                client_id=f"seed-{slug}-history-0",
            )
            for key, emoji in first_reactions:
                group_services.reaction_toggle(actor=people[key], message=message, emoji=emoji)
            for number, (key, body, reactions) in enumerate(replies, 1):
                message, _sent = group_services.message_send(
                    actor=people[key],
                    thread=thread,
                    body=body,
                    client_id=f"seed-{slug}-history-{number}",
                )
                for reactor, emoji in reactions:
                    group_services.reaction_toggle(
                        actor=people[reactor], message=message, emoji=emoji
                    )

    def _decisions(self, people: dict[str, User]) -> None:
        """Two polls in the city group, made once: a proposal on the property tax rate,
        closed with its decision, and an open single choice on the next topic."""
        group = Group.objects.get(slug="gwd-miejska")
        if Poll.objects.filter(group=group).exists():
            return
        facilitator = people["kielce"]

        def access(user: User):
            return group_access(user=user, slug=group.slug, capability="view")

        thread = group.threads.filter(title="Podatek od nieruchomości — stawki na 2027").first()
        proposal = decision_services.poll_create(
            actor=facilitator,
            access=access(facilitator),
            kind=Poll.Kind.PROPOSAL,
            title="Rekomendujemy wspólną stawkę 1,20 zł/m² dla gruntów na 2027 r.",
            description="Propozycja z dyskusji w wątku: jedna rekomendacja grupy dla rad miast.",
            thread=thread,
        )
        stances = [
            ("lublin", Stance.AGREE, ""),
            ("bydgoszcz", Stance.AGREE, ""),
            ("kutno", Stance.ABSTAIN, ""),
            ("poznan", Stance.DISAGREE, "U nas RIO zaleca stawkę niższą o 5 groszy."),
        ]
        for key, stance, reason in stances:
            decision_services.vote_cast(
                actor=people[key],
                access=access(people[key]),
                poll=proposal,
                stance=stance,
                reason=reason,
            )
        decision_services.poll_close(actor=facilitator, access=access(facilitator), poll=proposal)
        decision_services.outcome_publish(
            actor=facilitator,
            access=access(facilitator),
            poll=proposal,
            outcome="Grupa rekomenduje stawkę 1,20 zł/m²; Poznań przyjmie stawkę niższą "
            "zgodnie z zaleceniem RIO.",
        )
        choice = decision_services.poll_create(
            actor=facilitator,
            access=access(facilitator),
            kind=Poll.Kind.SINGLE,
            title="Temat następnego spotkania GWD",
            options=[
                "Opłata za gospodarowanie odpadami",
                "Ulgi w podatku od nieruchomości",
                "Windykacja należności publicznoprawnych",
            ],
            closes_at=timezone.now() + dt.timedelta(days=10),
        )
        first, second, _third = choice.options.all()
        for key, option in (("lublin", first), ("poznan", second), ("kutno", first)):
            decision_services.vote_cast(
                actor=people[key], access=access(people[key]), poll=choice, marks={option.pk: 1}
            )
        self._ranked_demo(people)

    def _ranked_demo(self, people: dict[str, User]) -> None:
        """A ranked-choice poll in the Ukrainian partners' group, counted in rounds."""
        group = Group.objects.get(slug="efektywnosc-energetyczna-ua")
        if Poll.objects.filter(group=group).exists():
            return

        def access(user: User):
            return group_access(user=user, slug=group.slug, capability="view")

        organiser = people["zhytomyr"]
        poll = decision_services.poll_create(
            actor=organiser,
            access=access(organiser),
            kind=Poll.Kind.RANKED,
            title="Що модернізуємо першим? / Co modernizujemy najpierw?",
            options=[
                "Школи / Szkoły",
                "Вуличне освітлення / Oświetlenie uliczne",
                "Котельні / Kotłownie",
            ],
            time_zone="Europe/Kyiv",
        )
        schools, lights, boilers = poll.options.all()
        ballots = [
            ("vinnytsia", [schools, boilers]),
            ("ternopil", [lights, schools]),
            ("plock", [boilers, schools]),
            ("kielce", [schools]),
        ]
        for key, order in ballots:
            decision_services.vote_cast(
                actor=people[key],
                access=access(people[key]),
                poll=poll,
                marks={option.pk: rank for rank, option in enumerate(order, start=1)},
            )
