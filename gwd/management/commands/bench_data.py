"""Load a large, made-up data set for benchmarks: members, discussions, a library and
meetings, written in bulk but left exactly as the services would have left them.

    manage.py bench_data --members 2000 --messages 100000 --documents 10000 [--seed 1]

The main group (slug = --prefix) holds every member and the requested numbers of
messages and documents; --other-groups neighbour groups, each with a tenth of the
members, messages and documents, sit beside it so that pages scoped to one group or to
one person's groups have rows to leave out. Discussions carry their per-group event log
(thread.updated, message.new, message.updated for reactions and deletions) with gap-free
numbers, the thread counters and the authors' read positions; documents have a stored
file through the configured storage and the folded search text. What the services also
do and a data set does not need is left out: no notifications (the bell counters stay at
0), no e-mail, no reminders, no held messages and no mentions.
"""

import datetime as dt
import random
import time
from collections import defaultdict

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from groups import services
from groups.models import (
    REACTIONS,
    Event,
    EventSequence,
    Group,
    GroupKind,
    Institution,
    Membership,
    Message,
    Reaction,
    ReadPosition,
    Role,
    Thread,
    User,
)
from gwd import markdown
from meetings.models import ActionItem, AgendaItem, Meeting, Registration
from resources import files
from resources.models import Document, DocumentVersion, Domain, Folder, Tag
from search.index import index_rebuild
from search.models import Entry

BATCH = 2000
LOADED = [
    User, EmailAddress, Group, Membership, Thread, Message, Event, EventSequence,
    Reaction, ReadPosition, Document, DocumentVersion, Folder, Tag, Meeting, AgendaItem,
    Registration, ActionItem, Entry,
]  # fmt: skip

# fmt: off
FIRST_NAMES = [
    "Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Krystyna",
    "Elżbieta", "Joanna", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Jan",
    "Michał", "Marcin", "Stanisław", "Łukasz", "Zofia", "Grzegorz", "Magdalena", "Wojciech",
]
LAST_NAMES = [
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
    "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski",
]
UA_NAMES = ["Олена Коваленко", "Ігор Бондаренко", "Наталія Мельник", "Андрій Шевченко"]
PLACES = [
    "Kielce", "Lublin", "Poznań", "Bydgoszcz", "Kutno", "Dopiewo", "Błonie", "Lubicz",
    "Morawica", "Gdańsk", "Płock", "Kraków", "Sopot", "Świdnica", "Oława", "Sierpc",
    "Nowy Sącz", "Goleniów", "Dzierżoniów", "Koziegłowy", "Długosiodło", "Kobylnica",
]
SUBJECTS = [
    "podatku od nieruchomości", "opłaty targowej", "opłaty za gospodarowanie odpadami",
    "dróg gminnych", "planu miejscowego", "gospodarki nieruchomościami", "sieci szkół",
    "partnerstwa publiczno-prywatnego", "termomodernizacji budynków", "ewidencji gruntów",
    "transportu zbiorowego", "ochrony powietrza", "umowy ESCO", "najmu lokali użytkowych",
]
DOCUMENT_KINDS = [
    "Uchwała w sprawie", "Projekt uchwały w sprawie", "Zarządzenie w sprawie",
    "Wzór umowy dotyczącej", "Analiza", "Opinia prawna dotycząca", "Regulamin",
    "Sprawozdanie z realizacji", "Instrukcja", "Prezentacja na temat",
]
SENTENCES = [
    "Jakie stawki przyjmujecie na przyszły rok?",
    "U nas projekt uchwały jest gotowy, czekamy na opinię RIO.",
    "Przesyłam nasz wzór po konsultacjach z radcą prawnym.",
    "Warto spojrzeć na obwieszczenie ministra z lipca.",
    "Czy ktoś liczył ulgi dla przedsiębiorców w strefie?",
    "Mamy podobny problem z ewidencją gruntów i budynków.",
    "Zgadzam się, **termin** jest bardzo krótki.",
    "Spróbujcie z harmonogramem rzeczowo-finansowym w załączniku.",
    "Dziękuję, to bardzo pomocne!",
    "Na spotkaniu w Kielcach omówimy to szerzej.",
    "Umowa ESCO dla szkół sprawdziła się u nas w 12 placówkach.",
    "Ile trwało u was postępowanie przetargowe?",
    "Czy opłata targowa obejmuje także targowiska sezonowe?",
    "Wyślę zestawienie po sesji rady miasta.",
    "Zobaczcie orzecznictwo: https://orzeczenia.nsa.gov.pl/",
    "Чи є у вас досвід енергосервісних договорів?",
    "Дякую за зразок договору, дуже корисно.",
    "- analiza kosztów\n- harmonogram\n- ryzyka",
    "> Cytując poprzednią wiadomość: to zależy od uchwały.",
    "_Uwaga_: zmiana przepisów od stycznia.",
]
WORDS = [
    "podatek", "nieruchomości", "stawka", "uchwała", "rada", "gmina", "miasto", "powiat",
    "budżet", "opłata", "odpady", "droga", "przetarg", "umowa", "partnerstwo", "inwestycja",
    "szkoła", "oświata", "energia", "termomodernizacja", "ewidencja", "grunt", "budynek",
    "plan", "miejscowy", "decyzja", "wniosek", "harmonogram", "kosztorys", "analiza",
    "ryzyko", "wykonawca", "zamawiający", "ustawa", "rozporządzenie", "opinia",
    "interpretacja", "sprawozdanie", "transport", "autobus", "linia", "dotacja",
    "subwencja", "zadanie", "realizacja", "kontrola", "audyt", "wzór",
]
TAGS = [
    "podatki", "opłaty", "nieruchomości", "drogi", "ppp", "esco", "oświata", "odpady",
    "geodezja", "planowanie", "zamówienia", "energia", "transport", "budżet", "wzory",
    "orzecznictwo", "rio", "uchwały", "umowy", "sprawozdania",
]
# fmt: on


class Command(BaseCommand):
    help = "Load a large made-up data set (members, discussions, library, meetings)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=2000)
        parser.add_argument("--messages", type=int, default=100_000)
        parser.add_argument("--documents", type=int, default=10_000)
        parser.add_argument(
            "--threads", type=int, default=0, help="default: one per 250 messages, at least 5"
        )
        parser.add_argument(
            "--big-thread",
            type=float,
            default=0.1,
            help="share of the main group's messages in its one big thread",
        )
        parser.add_argument("--meetings", type=int, default=40)
        parser.add_argument("--other-groups", type=int, default=1)
        parser.add_argument("--prefix", default="bench", help="slug of the main group")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        prefix = options["prefix"]
        if options["members"] < 1:
            raise CommandError("--members must be at least 1: someone has to write.")
        if Group.objects.filter(slug__startswith=prefix).exists():
            raise CommandError(f"Groups starting with {prefix!r} exist; pick another --prefix.")
        started = time.monotonic()
        rng = random.Random(options["seed"])  # noqa: S311 — made-up data, not secrets
        generator = Generator(rng, prefix, self.stdout)
        with transaction.atomic():
            generator.run(
                members=options["members"],
                messages=options["messages"],
                documents=options["documents"],
                threads=options["threads"],
                big_thread=options["big_thread"],
                meetings=options["meetings"],
                other_groups=options["other_groups"],
            )
            # Rows made in bulk pass no service: the search index is written in bulk too.
            indexed = index_rebuild(group_ids=list(generator.members))
            generator.made["search entries"] = indexed
            generator.step(f"{indexed} search entries", started)
        if connection.vendor == "postgresql":
            # What autovacuum does soon after a load this size; until then the planner
            # works from empty statistics and picks plans no real database would.
            tables = [model._meta.db_table for model in LOADED]
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {', '.join(tables)}")
        seconds = time.monotonic() - started
        summary = ", ".join(f"{n} {name}" for name, n in generator.made.items())
        self.stdout.write(f"Made {summary} in {seconds:.1f} s.")


class Generator:
    def __init__(self, rng: random.Random, prefix: str, stdout):
        self.rng = rng
        self.prefix = prefix
        self.stdout = stdout
        self.made: dict[str, int] = defaultdict(int)
        self.now = timezone.now().replace(microsecond=0)
        self.members: dict[int, list[Membership]] = {}
        # Message texts with their HTML, rendered the way message_send renders them.
        self.bodies = []
        for _n in range(500):
            body = "\n\n".join(rng.sample(SENTENCES, rng.randint(1, 3)))
            self.bodies.append((body, markdown.render(body)[0]))
        # Words of documents: a few common ones often, a long tail rarely (Zipf), so that
        # a search for two words finds some documents, not nearly all of them.
        syllables = ["ka", "no", "wie", "rze", "sta", "po", "mi", "ło", "dy", "ne", "ja", "to"]
        tail = {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(3000)}
        self.vocabulary = WORDS + sorted(tail - set(WORDS))
        self.weights = [1 / rank for rank in range(1, len(self.vocabulary) + 1)]

    def step(self, what: str, started: float) -> None:
        self.stdout.write(f"  {what} ({time.monotonic() - started:.1f} s)")

    def run(
        self,
        *,
        members: int,
        messages: int,
        documents: int,
        threads: int,
        big_thread: float,
        meetings: int,
        other_groups: int,
    ) -> None:
        started = time.monotonic()
        people = self.people(members)
        self.step(f"{len(people)} members", started)
        groups = [self.group(self.prefix, "Grupa testowa", GroupKind.URBAN, people)]
        for n in range(2, other_groups + 2):
            # Every tenth person also belongs to each neighbour group.
            share = people[n - 2 :: 10]
            groups.append(self.group(f"{self.prefix}-{n}", f"Grupa {n}", GroupKind.PPP, share))
        sizes = [(groups[0], messages, documents, threads, meetings)] + [
            (g, messages // 10, documents // 10, threads // 10, meetings // 4) for g in groups[1:]
        ]
        for group, n_messages, n_documents, n_threads, n_meetings in sizes:
            self.discussions(group, n_messages, n_threads, big_thread)
            self.step(f"{group.slug}: {n_messages} messages", started)
            self.library(group, n_documents, others=[g for g in groups if g != group])
            self.step(f"{group.slug}: {n_documents} documents", started)
            self.meetings(group, n_meetings)

    # --- People and groups ------------------------------------------------------------

    def people(self, count: int) -> list[User]:
        institutions = [
            services.institution_get_or_create(
                name=f"Urząd {'Miasta' if n % 2 else 'Gminy'} {place}",
                kind=Institution.Kind.CITY if n % 2 else Institution.Kind.GMINA,
            )
            for n, place in enumerate(PLACES)
        ]
        users = []
        for n in range(count):
            ukrainian = n % 25 == 24
            name = (
                self.rng.choice(UA_NAMES)
                if ukrainian
                else f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            )
            users.append(
                User(
                    email=f"{self.prefix}.{n}@bench.gwd.example",
                    full_name=name,
                    institution=self.rng.choice(institutions),
                    position="Inspektor",
                    language="uk" if ukrainian else "pl",
                    time_zone="Europe/Kyiv" if ukrainian else "Europe/Warsaw",
                    # Nobody signs in with a password: the benchmark makes sessions.
                    password=make_password(None),
                    date_joined=self.now - dt.timedelta(days=400),
                )
            )
        users = User.objects.bulk_create(users, batch_size=BATCH)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=BATCH,
        )
        self.made["members"] += len(users)
        return users

    def group(self, slug: str, name: str, kind: str, people: list[User]) -> Group:
        group = Group.objects.create(
            slug=slug,
            name_pl=name,
            kind=kind,
            working_languages=["pl", "uk"],
            description_pl="Dane do testów wydajności.",
        )
        memberships = []
        for n, user in enumerate(people):
            role = Role.FACILITATOR if n < 3 else Role.OBSERVER if n % 10 == 9 else Role.MEMBER
            memberships.append(
                Membership(
                    user=user,
                    group=group,
                    role=role,
                    institution=user.institution,
                    joined_at=self.now - dt.timedelta(days=365),
                )
            )
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        self.members[group.pk] = memberships
        self.made["groups"] += 1
        self.made["memberships"] += len(memberships)
        return group

    # --- Discussions ------------------------------------------------------------------

    def discussions(self, group: Group, count: int, threads: int, big_share: float) -> None:
        """Threads and messages in time order, each with the events the services record:
        thread.updated when a thread starts, message.new for each message, message.updated
        for each reaction and deletion, numbered without gaps; the thread counters and the
        authors' read positions as message_send leaves them."""
        seq = 0
        if count:
            threads = max(1, min(count, threads or max(5, count // 250)))
            seq = self.messages(group, count, threads, big_share)
        EventSequence.objects.create(group=group, last_seq=seq)

    def messages(self, group: Group, count: int, threads: int, big_share: float) -> int:
        writers = [m.user for m in self.members[group.pk] if m.role != Role.OBSERVER]
        start = self.now - dt.timedelta(days=365)
        rows = Thread.objects.bulk_create(
            [
                Thread(
                    group=group,
                    title=f"{self.rng.choice(DOCUMENT_KINDS)} {self.rng.choice(SUBJECTS)} #{n}",
                    created_at=start,
                    last_activity_at=start,
                )
                for n in range(threads)
            ],
            batch_size=BATCH,
        )
        # Thread 0 is the big one; every other thread gets at least one message.
        big = min(count - (threads - 1), max(1, int(count * big_share)))
        plan = [0] * big + list(range(1, threads))
        plan += [self.rng.randrange(1, threads) for _ in range(count - len(plan))]
        self.rng.shuffle(plan)
        step = (self.now - dt.timedelta(hours=1) - start) / (count + 1)
        seq = 0
        read: dict[tuple[int, int], int] = {}
        pending: list[tuple[Message, dict]] = []
        event_rows: list[Event] = []
        for n, index in enumerate(plan):
            thread = rows[index]
            author = self.rng.choice(writers)
            when = start + step * (n + 1)
            if thread.author_id is None:
                seq += 1
                thread.author = author
                thread.created_at = thread.last_activity_at = when
                thread.last_seq = seq
                event_rows.append(
                    Event(
                        group=group,
                        seq=seq,
                        type="thread.updated",
                        thread_id=thread.pk,
                        created_at=when,
                    )
                )
            seq += 1
            body, html = self.rng.choice(self.bodies)
            message = Message(
                thread=thread,
                group=group,
                author=author,
                body=body,
                html=html,
                client_id=f"bench-{group.pk}-{n}",
                seq=seq,
                created_at=when,
            )
            later: dict = {"reactions": []}
            if self.rng.random() < 0.05:
                reactors = self.rng.sample(writers, min(len(writers), self.rng.randint(1, 3)))
                for k, user in enumerate(reactors, 1):
                    seq += 1
                    emoji = self.rng.choice(REACTIONS)
                    later["reactions"].append((seq, emoji, user.pk, when + step * k / 10))
            if self.rng.random() < 0.005:
                seq += 1
                later["deleted"] = (seq, when + step / 2)
            thread.message_count += 1
            thread.last_seq = message.seq
            thread.last_activity_at = when
            read[(author.pk, thread.pk)] = message.seq
            pending.append((message, later))
            if len(pending) >= BATCH:
                self.flush_messages(group, pending, event_rows)
        self.flush_messages(group, pending, event_rows)
        Thread.objects.bulk_update(
            rows,
            ["author", "created_at", "last_activity_at", "message_count", "last_seq"],
            batch_size=BATCH,
        )
        ReadPosition.objects.bulk_create(
            [
                ReadPosition(user_id=user_id, thread_id=thread_id, last_read_seq=last)
                for (user_id, thread_id), last in read.items()
            ],
            batch_size=BATCH,
        )
        self.made["threads"] += len(rows)
        self.made["messages"] += count
        self.made["read positions"] += len(read)
        return seq

    def flush_messages(
        self, group: Group, pending: list[tuple[Message, dict]], event_rows: list[Event]
    ) -> None:
        """Insert the pending messages, then their events and reactions (which need ids)."""
        Message.objects.bulk_create([message for message, _later in pending], batch_size=BATCH)
        reaction_rows = []
        for message, later in pending:
            event_rows.append(self.event(group, message.seq, "message.new", message))
            for seq, emoji, user_id, when in later["reactions"]:
                reaction_rows.append(
                    Reaction(message=message, user_id=user_id, emoji=emoji, created_at=when)
                )
                event_rows.append(self.event(group, seq, "message.updated", message, when))
            if "deleted" in later:
                # message_delete: the text and the reactions go, a placeholder stays.
                seq, when = later["deleted"]
                message.deleted_at = when
                message.body = message.html = ""
                reaction_rows = [r for r in reaction_rows if r.message is not message]
                event_rows.append(self.event(group, seq, "message.updated", message, when))
        deleted = [message for message, later in pending if "deleted" in later]
        Message.objects.bulk_update(deleted, ["deleted_at", "body", "html"])
        Reaction.objects.bulk_create(reaction_rows, batch_size=BATCH)
        Event.objects.bulk_create(event_rows, batch_size=BATCH)
        self.made["events"] += len(event_rows)
        self.made["reactions"] += len(reaction_rows)
        pending.clear()
        event_rows.clear()

    def event(self, group: Group, seq: int, type: str, message: Message, when=None) -> Event:
        return Event(
            group=group,
            seq=seq,
            type=type,
            message_id=message.pk,
            thread_id=message.thread_id,
            created_at=when or message.created_at,
        )

    # --- Library ----------------------------------------------------------------------

    def library(self, group: Group, count: int, *, others: list[Group]) -> None:
        """Folders, documents with one to three versions, each version a stored file; the
        text inside is the current file's, and the search text is what document_index
        makes of title, description, tags and that text."""
        people = [m.user for m in self.members[group.pk] if m.role != Role.OBSERVER]
        tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
        folders = Folder.objects.bulk_create(
            [Folder(group=group, name=subject.capitalize()) for subject in SUBJECTS]
        )
        folders += Folder.objects.bulk_create(
            [
                Folder(group=group, parent=parent, name=str(year))
                for parent in folders[:5]
                for year in (2024, 2025, 2026)
            ]
        )
        start = self.now - dt.timedelta(days=3 * 365)
        versions_made = 0
        for offset in range(0, count, BATCH):
            documents, texts, chosen_tags = [], [], []
            for n in range(offset, min(count, offset + BATCH)):
                created = start + (self.now - dt.timedelta(days=7) - start) * self.rng.random()
                place = self.rng.choice(PLACES)
                kind, subject = self.rng.choice(DOCUMENT_KINDS), self.rng.choice(SUBJECTS)
                template = self.rng.random() < 0.01
                author = self.rng.choice(people)
                trashed = n % 100 == 99
                documents.append(
                    Document(
                        group=group,
                        folder=None if self.rng.random() < 0.1 else self.rng.choice(folders),
                        title=f"{kind} {subject} — {place} {created.year}",
                        description=f"Dokument z {place}, przygotowany dla grupy.",
                        domain=self.rng.choice(Domain.values),
                        language="uk" if n % 30 == 29 else "pl",
                        is_template=template,
                        shared_with_all=template and self.rng.random() < 0.5,
                        created_by=author,
                        created_at=created,
                        updated_at=created,
                        deleted_at=self.now - dt.timedelta(days=2) if trashed else None,
                        deleted_by=author if trashed else None,
                    )
                )
                texts.append(" ".join(self.words(self.rng.randint(30, 90))))
                chosen_tags.append(sorted(self.rng.sample(TAGS, self.rng.randint(0, 3))))
            documents = Document.objects.bulk_create(documents)
            versions, tag_rows, share_rows = [], [], []
            for document, text, names in zip(documents, texts, chosen_tags, strict=True):
                tag_rows += [
                    Document.tags.through(document_id=document.pk, tag_id=tags[TAGS.index(t)].pk)
                    for t in names
                ]
                if document.is_template and not document.shared_with_all and others:
                    share_rows.append(
                        Document.shared_with.through(
                            document_id=document.pk, group_id=self.rng.choice(others).pk
                        )
                    )
                number = 1 if self.rng.random() < 0.9 else self.rng.randint(2, 3)
                for v in range(1, number + 1):
                    content = f"{document.title}\n\n{text}\n\nWersja {v}.\n"
                    upload = SimpleUploadedFile(f"{document.title[:60]}.txt", content.encode())
                    stored = files.store(upload, group_id=group.pk)
                    versions.append(
                        DocumentVersion(
                            document=document,
                            number=v,
                            storage_key=stored.key,
                            original_name=files.clean_name(upload.name, files.sniff(upload)),
                            size=stored.size,
                            content_type=files.TXT,
                            sha256=stored.sha256,
                            uploaded_by=document.created_by,
                            created_at=document.created_at + dt.timedelta(days=v - 1),
                        )
                    )
                # What the extraction task reads from the current (last) version.
                document.content_text = content
                document.search_text = files.fold(
                    " ".join([document.title, document.description, " ".join(names), content])
                )
            versions = DocumentVersion.objects.bulk_create(versions)
            current = {v.document_id: v for v in versions}  # the highest number comes last
            for document in documents:
                document.current_version = current[document.pk]
                document.updated_at = document.current_version.created_at
            Document.objects.bulk_update(
                documents, ["current_version", "updated_at", "content_text", "search_text"]
            )
            Document.tags.through.objects.bulk_create(tag_rows)
            Document.shared_with.through.objects.bulk_create(share_rows)
            versions_made += len(versions)
        self.made["folders"] += len(folders)
        self.made["documents"] += count
        self.made["stored files"] += versions_made

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self.vocabulary, weights=self.weights, k=count)

    # --- Meetings ---------------------------------------------------------------------

    def meetings(self, group: Group, count: int) -> None:
        """Held meetings in the past with their action items, scheduled ones ahead."""
        people = [m.user for m in self.members[group.pk]]
        upcoming = max(1, count // 8) if count else 0
        meetings = []
        for n in range(count):
            ahead = n < upcoming
            starts = self.now + dt.timedelta(
                days=7 * (n + 1) if ahead else -14 * (n - upcoming + 1)
            )
            meetings.append(
                Meeting(
                    group=group,
                    title=f"Spotkanie grupy: {self.rng.choice(SUBJECTS)}",
                    starts_at=starts.replace(hour=8, minute=0, second=0),
                    ends_at=starts.replace(hour=10, minute=0, second=0),
                    place=f"Urząd Miasta {self.rng.choice(PLACES)}",
                    capacity=40,
                    status=Meeting.Status.SCHEDULED if ahead else Meeting.Status.HELD,
                    created_by=people[0],
                )
            )
        meetings = Meeting.objects.bulk_create(meetings)
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(meeting=m, order=k, title=title, duration_minutes=30)
                for m in meetings
                for k, title in enumerate(["Powitanie", "Wymiana doświadczeń", "Wnioski"])
            ]
        )
        Registration.objects.bulk_create(
            [
                Registration(meeting=m, user=u, status=Registration.Status.GOING)
                for m in meetings
                for u in self.rng.sample(people, min(len(people), 30))
            ],
            batch_size=BATCH,
        )
        ActionItem.objects.bulk_create(
            [
                ActionItem(
                    group=group,
                    meeting=m,
                    description=f"Przygotować zestawienie: {self.rng.choice(SUBJECTS)}",
                    owner=self.rng.choice(people),
                    due_date=(m.starts_at + dt.timedelta(days=30)).date(),
                    status=ActionItem.Status.OPEN if k == 0 else ActionItem.Status.DONE,
                )
                for m in meetings
                if m.status == Meeting.Status.HELD
                for k in range(3)
            ]
        )
        self.made["meetings"] += len(meetings)
