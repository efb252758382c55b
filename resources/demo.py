"""Model documents for the demonstration library, written out as DOCX (python-docx) and
PDF (WeasyPrint) when the demo data is loaded: an energy-performance (ESCO) contract
template in Polish and Ukrainian and a local-tax procedure. The texts are plausible
models, not legal advice; the statutes they cite are the real ones."""

import io
import logging
from dataclasses import dataclass

import docx
import weasyprint
from django.utils.html import escape
from PIL import Image, ImageDraw

# WeasyPrint reports each step of each document at INFO: the demo data's log would be
# mostly that.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Model:
    title: str
    language: str
    sections: list[tuple[str, list[str]]]
    subtitle: str = ""


ESCO_TITLE_PL = "Wzór umowy ESCO o poprawę efektywności energetycznej budynków szkolnych"
ESCO_TITLE_UK = "Типовий енергосервісний договір (ESCO) для будівель закладів освіти"
TAX_TITLE_PL = "Procedura wymiaru podatku od nieruchomości (osoby fizyczne)"
TAX_TITLE_UK = "Процедура визначення податку на нерухомість у Польщі (фізичні особи)"

ESCO_PL = Model(
    title=ESCO_TITLE_PL,
    language="pl",
    subtitle="Umowa o poprawę efektywności energetycznej w rozumieniu art. 2 pkt 29 ustawy "
    "z dnia 20 maja 2016 r. o efektywności energetycznej, zawierana w trybie ustawy z dnia "
    "19 grudnia 2008 r. o partnerstwie publiczno-prywatnym",
    sections=[
        (
            "§ 1. Strony umowy",
            [
                "Gmina Miasto Płock, ul. Stary Rynek 1, 09-400 Płock, reprezentowana przez "
                "Prezydenta Miasta, zwana dalej „Zamawiającym”,",
                "oraz [nazwa przedsiębiorstwa usług energetycznych], wpisana do rejestru "
                "przedsiębiorców KRS pod numerem [...], reprezentowana przez [...], zwana dalej "
                "„Wykonawcą ESCO”.",
            ],
        ),
        (
            "§ 2. Przedmiot umowy",
            [
                "Przedmiotem umowy jest zaprojektowanie, sfinansowanie i wykonanie przez Wykonawcę "
                "ESCO przedsięwzięć służących poprawie efektywności energetycznej w 12 budynkach "
                "szkół podstawowych wymienionych w załączniku nr 1, w szczególności: modernizacja "
                "węzłów cieplnych, wymiana oświetlenia na LED ze sterowaniem, montaż instalacji "
                "fotowoltaicznych oraz wdrożenie systemu zarządzania energią (BMS).",
                "Wykonawca ESCO utrzymuje zainstalowane urządzenia w okresie obowiązywania umowy, "
                "który wynosi 12 lat od dnia podpisania protokołu odbioru końcowego.",
            ],
        ),
        (
            "§ 3. Gwarantowane oszczędności",
            [
                "Wykonawca ESCO gwarantuje zmniejszenie zużycia energii cieplnej o co najmniej "
                "32% i energii elektrycznej o co najmniej 25% w stosunku do roku bazowego, "
                "określonego w audycie energetycznym stanowiącym załącznik nr 2.",
                "Jeżeli w danym roku rozliczeniowym oszczędności są niższe od gwarantowanych, "
                "Wykonawca ESCO pokrywa różnicę, obniżając wynagrodzenie należne za ten rok "
                "o wartość niezaoszczędzonej energii, liczoną według cen z faktur Zamawiającego.",
            ],
        ),
        (
            "§ 4. Pomiar i weryfikacja oszczędności",
            [
                "Oszczędności ustala się zgodnie z Międzynarodowym Protokołem Pomiaru "
                "i Weryfikacji Efektywności (IPMVP), opcja C — pomiar dla całego budynku, "
                "z korektą o liczbę stopniodni grzania i zmiany sposobu użytkowania budynków.",
                "Strony powołują zespół weryfikacyjny, który do 31 marca każdego roku sporządza "
                "raport z pomiaru oszczędności za poprzedni rok rozliczeniowy. Zamawiający ma "
                "wgląd w dane z liczników w czasie rzeczywistym.",
            ],
        ),
        (
            "§ 5. Wynagrodzenie płatne z oszczędności",
            [
                "Wynagrodzenie Wykonawcy ESCO jest płatne wyłącznie z uzyskanych oszczędności, "
                "w 48 ratach kwartalnych, i nie przekracza 85% wartości oszczędności "
                "potwierdzonych raportem, o którym mowa w § 4.",
                "Oszczędności ponad poziom gwarantowany dzieli się po połowie między Strony. "
                "Umowa nie powoduje zaciągnięcia długu przez Zamawiającego w rozumieniu przepisów "
                "o finansach publicznych, jeżeli ryzyko dostępności i ryzyko budowy ponosi "
                "Wykonawca ESCO.",
            ],
        ),
        (
            "§ 6. Postanowienia końcowe",
            [
                "Po upływie okresu umowy urządzenia przechodzą nieodpłatnie na własność "
                "Zamawiającego. Spory rozstrzyga sąd właściwy dla siedziby Zamawiającego.",
            ],
        ),
    ],
)

ESCO_UK = Model(
    title=ESCO_TITLE_UK,
    language="uk",
    subtitle="Енергосервісний договір відповідно до Закону України «Про запровадження "
    "нових інвестиційних можливостей, гарантування прав та законних інтересів суб'єктів "
    "підприємницької діяльності для проведення масштабної енергомодернізації»",
    sections=[
        (
            "1. Сторони договору",
            [
                "Житомирська міська рада, в особі міського голови, що діє на підставі Закону "
                "України «Про місцеве самоврядування в Україні» (далі — Замовник),",
                "та [найменування енергосервісної компанії], код ЄДРПОУ [...], в особі [...] "
                "(далі — Виконавець).",
            ],
        ),
        (
            "2. Предмет договору",
            [
                "Виконавець здійснює за власні кошти заходи з енергоефективності в будівлях "
                "закладів загальної середньої освіти, зазначених у додатку 1: модернізацію "
                "індивідуальних теплових пунктів, утеплення фасадів, заміну освітлення на "
                "світлодіодне та запровадження системи енергомоніторингу.",
                "Строк дії договору — 10 років від дати підписання акта введення "
                "енергоефективних заходів в експлуатацію.",
            ],
        ),
        (
            "3. Гарантована економія",
            [
                "Виконавець гарантує скорочення споживання теплової енергії щонайменше на 30 % "
                "порівняно з базовим рівнем, визначеним за результатами енергетичного аудиту "
                "(додаток 2).",
                "Якщо фактична економія менша за гарантовану, платіж Виконавцю за відповідний "
                "рік зменшується на вартість недосягнутої економії.",
            ],
        ),
        (
            "4. Вимірювання та верифікація",
            [
                "Економія визначається за методикою, затвердженою Міністерством розвитку "
                "громад та територій, з урахуванням кількості градусо-діб опалювального періоду "
                "та змін режиму використання будівель, на підставі даних вузлів комерційного "
                "обліку.",
                "Сторони щороку до 1 травня підписують акт про досягнуту економію.",
            ],
        ),
        (
            "5. Оплата з економії",
            [
                "Замовник сплачує Виконавцю щомісячні платежі у розмірі фіксованого відсотка "
                "(не більше 90 %) від суми скорочення витрат на оплату енергоносіїв.",
                "Видатки на оплату енергосервісу передбачаються в місцевому бюджеті на весь "
                "строк дії договору як довгострокові зобов'язання.",
            ],
        ),
        (
            "6. Прикінцеві положення",
            [
                "Після закінчення строку договору обладнання безоплатно переходить у власність "
                "Замовника. Спори вирішуються в господарському суді за місцезнаходженням "
                "Замовника.",
            ],
        ),
    ],
)

TAX_PL = Model(
    title=TAX_TITLE_PL,
    language="pl",
    subtitle="Procedura wydziału podatków i opłat lokalnych, wersja do wymiany doświadczeń "
    "w grupie GWD miejskiej",
    sections=[
        (
            "1. Podstawa prawna",
            [
                "Ustawa z dnia 12 stycznia 1991 r. o podatkach i opłatach lokalnych "
                "(art. 2–7 oraz art. 6 ust. 4, 6 i 7); ustawa z dnia 29 sierpnia 1997 r. — "
                "Ordynacja podatkowa (art. 21, 165, 207–212); uchwała rady miasta w sprawie "
                "stawek podatku od nieruchomości na dany rok podatkowy; rozporządzenie Ministra "
                "Finansów w sprawie wzorów informacji i deklaracji podatkowych.",
            ],
        ),
        (
            "2. Kroki postępowania",
            [
                "Krok 1. Przyjęcie informacji o nieruchomościach i obiektach budowlanych (IN-1) "
                "wraz z załącznikami ZIN-1, ZIN-2 i ZIN-3, złożonej na e-PUAP, w kancelarii lub "
                "pocztą; nadanie numeru sprawy w systemie dziedzinowym.",
                "Krok 2. Weryfikacja danych z ewidencją gruntów i budynków oraz z księgą "
                "wieczystą; w razie braków — wezwanie do złożenia wyjaśnień lub korekty "
                "(art. 274a Ordynacji podatkowej).",
                "Krok 3. Obliczenie podatku według stawek z uchwały rady i przygotowanie decyzji "
                "ustalającej wysokość zobowiązania podatkowego.",
                "Krok 4. Doręczenie decyzji (osobiście, pocztą za potwierdzeniem odbioru lub "
                "przez e-Doręczenia) i zaksięgowanie przypisu na koncie podatnika.",
                "Krok 5. Kontrola terminowości wpłat; po upływie terminu — upomnienie i wszczęcie "
                "egzekucji administracyjnej.",
            ],
        ),
        (
            "3. Terminy",
            [
                "Informację IN-1 składa się w terminie 14 dni od zaistnienia okoliczności "
                "uzasadniających powstanie, wygaśnięcie lub zmianę obowiązku podatkowego.",
                "Podatek płatny jest w czterech ratach: do 15 marca, 15 maja, 15 września "
                "i 15 listopada; gdy kwota nie przekracza 100 zł — jednorazowo do 15 marca.",
                "Odwołanie od decyzji wnosi się do samorządowego kolegium odwoławczego za "
                "pośrednictwem organu podatkowego w terminie 14 dni od doręczenia.",
            ],
        ),
        (
            "4. Formularze",
            [
                "IN-1 — informacja o nieruchomościach i obiektach budowlanych; ZIN-1 — dane "
                "o przedmiotach opodatkowania podlegających opodatkowaniu; ZIN-2 — dane "
                "o przedmiotach zwolnionych; ZIN-3 — dane pozostałych podatników. Wzory "
                "formularzy są dostępne w Biuletynie Informacji Publicznej urzędu.",
            ],
        ),
    ],
)

TAX_UK = Model(
    title=TAX_TITLE_UK,
    language="uk",
    subtitle="Переклад процедури польського міста для партнерів з України: як місцевий "
    "податок на нерухомість визначається рішенням органу",
    sections=[
        (
            "1. Правова основа",
            [
                "Закон Польщі від 12 січня 1991 р. про місцеві податки і збори; Податковий "
                "кодекс (Ordynacja podatkowa) від 29 серпня 1997 р.; рішення міської ради про "
                "ставки податку на нерухомість на податковий рік.",
            ],
        ),
        (
            "2. Кроки процедури",
            [
                "Крок 1. Приймання інформації про нерухомість (форма IN-1) з додатками.",
                "Крок 2. Перевірка даних за кадастром земель і будівель та іпотечною книгою.",
                "Крок 3. Розрахунок податку за ставками рішення ради і підготовка рішення "
                "(decyzja) про розмір податкового зобов'язання.",
                "Крок 4. Вручення рішення і облік нарахування на рахунку платника.",
                "Крок 5. Контроль сплати; у разі прострочення — нагадування і примусове стягнення.",
            ],
        ),
        (
            "3. Строки",
            [
                "Форма IN-1 подається протягом 14 днів від виникнення обставин, що впливають на "
                "податковий обов'язок. Податок сплачується чотирма частинами: до 15 березня, "
                "15 травня, 15 вересня і 15 листопада. Скарга на рішення — протягом 14 днів.",
            ],
        ),
        (
            "4. Форми",
            [
                "IN-1 — інформація про нерухомість; ZIN-1, ZIN-2, ZIN-3 — додатки щодо "
                "об'єктів оподаткування, звільнених об'єктів і співвласників.",
            ],
        ),
    ],
)


def model_docx(model: Model, *, note: str = "") -> bytes:
    """The model as a Word document: a title, its subtitle, numbered sections."""
    document = docx.Document()
    document.core_properties.title = model.title
    document.core_properties.language = model.language
    document.add_heading(model.title, level=0)
    if model.subtitle:
        document.add_paragraph().add_run(model.subtitle).italic = True
    if note:
        document.add_paragraph(note)
    for heading, paragraphs in model.sections:
        document.add_heading(heading, level=1)
        for text in paragraphs:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PDF_STYLE = """
@page { size: A4; margin: 2.2cm 2cm; @bottom-center { content: counter(page); } }
body { font-family: "DejaVu Serif", serif; font-size: 11pt; line-height: 1.45; }
h1 { font-family: "DejaVu Sans", sans-serif; font-size: 17pt; margin: 0 0 .4em; }
h2 { font-family: "DejaVu Sans", sans-serif; font-size: 12.5pt; margin: 1.2em 0 .3em; }
.subtitle { font-style: italic; color: #333; }
"""


def model_pdf(model: Model) -> bytes:
    """The model as a PDF with real text (searchable, extractable), DejaVu fonts."""
    parts = [f"<h1>{escape(model.title)}</h1>"]
    if model.subtitle:
        parts.append(f'<p class="subtitle">{escape(model.subtitle)}</p>')
    for heading, paragraphs in model.sections:
        parts.append(f"<h2>{escape(heading)}</h2>")
        parts += [f"<p>{escape(text)}</p>" for text in paragraphs]
    html = (
        f'<!DOCTYPE html><html lang="{model.language}"><head><meta charset="utf-8">'
        f"<title>{escape(model.title)}</title><style>{PDF_STYLE}</style></head>"
        f"<body>{''.join(parts)}</body></html>"
    )
    pdf = weasyprint.HTML(string=html).write_pdf()
    assert pdf is not None  # write_pdf without a target returns the bytes
    return pdf


def school_photo() -> bytes:
    """A drawn "photo" of a school building under insulation, as a JPEG, for the demo's
    attachments: made here, so the demo carries no real person's picture or location."""
    image = Image.new("RGB", (1200, 800), (176, 206, 232))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 600, 1200, 800), fill=(120, 150, 96))
    draw.rectangle((180, 250, 1020, 640), fill=(214, 196, 160))
    draw.rectangle((180, 250, 560, 640), fill=(236, 236, 228))  # the insulated part
    draw.polygon([(150, 255), (600, 120), (1050, 255)], fill=(150, 62, 48))
    for row in range(2):
        for column in range(6):
            left = 230 + column * 130
            top = 320 + row * 150
            draw.rectangle((left, top, left + 70, top + 90), fill=(70, 100, 140))
    draw.rectangle((560, 520, 640, 640), fill=(90, 60, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()
